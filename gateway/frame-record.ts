import type { OutgoingMessage } from '../generator/sink.ts';

export const GATEWAY_PROTOCOLS = ['teltonika', 'teltonika-udp', 'gt06', 'osmand'] as const;
export type GatewayProtocol = (typeof GATEWAY_PROTOCOLS)[number];

/** What became of a frame besides the reject reasons of frame-outcome.ts. */
export type FrameOutcome = 'ok' | 'no_fix' | 'duplicate' | 'unknown_device' | 'disabled_device' | 'publish_failed' | 'trickle' | 'idle';

/**
 * One archived frame: the message on the frames topic (key = device id, or
 * the remote address before a device said who it is), one row of
 * fleet.device_frames. The bytes travel as hex inside JSON.
 */
export interface FrameRecord {
  readonly receivedAtMs: number;
  readonly deviceId: string;
  readonly protocol: GatewayProtocol;
  readonly remote: string;
  readonly outcome: string;
  readonly detail: string;
  /** Positions the frame gave (0 for logins, heartbeats, rejects, records without fix). */
  readonly positions: number;
  readonly frame: Buffer;
}

export function encodeFrameRecord(r: FrameRecord): OutgoingMessage {
  return {
    key: r.deviceId || r.remote,
    value: JSON.stringify({
      received_at: new Date(r.receivedAtMs).toISOString(),
      device_id: r.deviceId,
      protocol: r.protocol,
      remote: r.remote,
      outcome: r.outcome,
      detail: r.detail,
      positions: r.positions,
      frame_hex: r.frame.toString('hex'),
    }),
  };
}

/** Reads a frames-topic message back; undefined when it is not one. */
export function decodeFrameRecord(value: string): FrameRecord | undefined {
  try {
    const v = JSON.parse(value) as Record<string, unknown>;
    if (typeof v.received_at !== 'string' || typeof v.frame_hex !== 'string' || typeof v.protocol !== 'string') return undefined;
    if (!(GATEWAY_PROTOCOLS as readonly string[]).includes(v.protocol)) return undefined;
    return {
      receivedAtMs: Date.parse(v.received_at),
      deviceId: String(v.device_id ?? ''),
      protocol: v.protocol as GatewayProtocol,
      remote: String(v.remote ?? ''),
      outcome: String(v.outcome ?? ''),
      detail: String(v.detail ?? ''),
      positions: Number(v.positions ?? 0),
      frame: Buffer.from(v.frame_hex, 'hex'),
    };
  } catch {
    return undefined;
  }
}
