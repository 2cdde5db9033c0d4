import type { FleetlakeConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { PositionSink } from '../sink.ts';
import type { KafkaCompression } from '../../core/kafka-codecs.ts';
import { createKafkaSink } from './kafka-sink.ts';
import { createNdjsonSink, openNdjsonFileSink } from './ndjson-sink.ts';
import { createNullSink } from './null-sink.ts';
import { createDeviceSink, parseDeviceSinkUrl, type DeviceProtocol } from '../../gateway/simulator/device-sink.ts';

export type SinkSpec =
  | { readonly kind: 'kafka' }
  | { readonly kind: 'stdout' }
  | { readonly kind: 'null' }
  | { readonly kind: 'file'; readonly path: string }
  /** The device simulator: real tracker traffic to a gateway. */
  | { readonly kind: 'device'; readonly protocol: DeviceProtocol; readonly host: string; readonly port: number };

export const SINK_SPEC_HELP = 'kafka, stdout, null, file:PATH, teltonika://HOST:PORT, gt06://HOST:PORT or osmand://HOST:PORT';

/** Parses `kafka`, `stdout`, `null`, `file:PATH` or a device URL; undefined when it is none of them. */
export function parseSinkSpec(text: string): SinkSpec | undefined {
  if (text === 'kafka' || text === 'stdout' || text === 'null') return { kind: text };
  if (text.startsWith('file:') && text.length > 'file:'.length) return { kind: 'file', path: text.slice('file:'.length) };
  const device = parseDeviceSinkUrl(text);
  return device ? { kind: 'device', ...device } : undefined;
}

/** How simulated devices behave (device sinks only). */
export interface DeviceBehaviour {
  readonly seed: number;
  readonly maxRecordsPerPacket: number;
  readonly ackTimeoutMs: number;
}

export interface OpenSinkContext {
  readonly config: Pick<FleetlakeConfig, 'kafka'>;
  readonly stdout: NodeJS.WritableStream;
  readonly logger?: Logger;
  readonly compression?: KafkaCompression;
  readonly onReaderGone?: () => void;
  readonly device?: DeviceBehaviour;
}

export async function openSink(spec: SinkSpec, ctx: OpenSinkContext): Promise<PositionSink> {
  switch (spec.kind) {
    case 'null':
      return createNullSink();
    case 'stdout':
      return createNdjsonSink(ctx.stdout, { endOnClose: false, onReaderGone: ctx.onReaderGone });
    case 'file':
      return openNdjsonFileSink(spec.path);
    case 'device': {
      const device = ctx.device ?? { seed: 1, maxRecordsPerPacket: 1, ackTimeoutMs: 5000 };
      return createDeviceSink({ protocol: spec.protocol, host: spec.host, port: spec.port, ...device });
    }
    case 'kafka': {
      const { brokers, client_id, topic, partitions } = ctx.config.kafka;
      return createKafkaSink({ brokers, clientId: client_id, topic, partitions, compression: ctx.compression, logger: ctx.logger });
    }
  }
}
