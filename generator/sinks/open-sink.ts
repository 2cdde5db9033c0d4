import type { FleetlakeConfig } from '../../core/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { PositionSink } from '../sink.ts';
import type { KafkaCompression } from '../../core/kafka-codecs.ts';
import { createKafkaSink } from './kafka-sink.ts';
import { createNdjsonSink, openNdjsonFileSink } from './ndjson-sink.ts';
import { createNullSink } from './null-sink.ts';

export type SinkSpec =
  | { readonly kind: 'kafka' }
  | { readonly kind: 'stdout' }
  | { readonly kind: 'null' }
  | { readonly kind: 'file'; readonly path: string };

export const SINK_SPEC_HELP = 'kafka, stdout, null or file:PATH';

/** Parses `kafka`, `stdout`, `null` or `file:PATH`; undefined when it is none of them. */
export function parseSinkSpec(text: string): SinkSpec | undefined {
  if (text === 'kafka' || text === 'stdout' || text === 'null') return { kind: text };
  if (text.startsWith('file:') && text.length > 'file:'.length) return { kind: 'file', path: text.slice('file:'.length) };
  return undefined;
}

export interface OpenSinkContext {
  readonly config: Pick<FleetlakeConfig, 'kafka'>;
  readonly stdout: NodeJS.WritableStream;
  readonly logger?: Logger;
  readonly compression?: KafkaCompression;
  readonly onReaderGone?: () => void;
}

export async function openSink(spec: SinkSpec, ctx: OpenSinkContext): Promise<PositionSink> {
  switch (spec.kind) {
    case 'null':
      return createNullSink();
    case 'stdout':
      return createNdjsonSink(ctx.stdout, { endOnClose: false, onReaderGone: ctx.onReaderGone });
    case 'file':
      return openNdjsonFileSink(spec.path);
    case 'kafka': {
      const { brokers, client_id, topic, partitions } = ctx.config.kafka;
      return createKafkaSink({ brokers, clientId: client_id, topic, partitions, compression: ctx.compression, logger: ctx.logger });
    }
  }
}
