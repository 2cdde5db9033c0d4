/**
 * What a framer or decoder makes of bytes, as a value: decoders in gateway/
 * never throw. `incomplete` means "wait for more bytes" on a stream; the
 * reasons are stable strings, counted per protocol and stored with each
 * archived frame (fleet.device_frames.outcome).
 */
export const FRAME_REJECT_REASONS = [
  /** The frame ended before its declared length (or a datagram is shorter than it says). */
  'truncated',
  /** The checksum does not match: no ACK, the device sends again. */
  'bad_crc',
  /** The declared length exceeds the configured cap. */
  'oversized',
  /** Bytes that do not start a frame of this protocol. */
  'garbage',
  /** A codec or protocol number this gateway does not decode. */
  'unknown_codec',
  /** The frame is well formed but its content is inconsistent (counts, lengths, values). */
  'malformed',
  /** A data frame arrived before the device said who it is. */
  'not_logged_in',
] as const;
export type FrameRejectReason = (typeof FRAME_REJECT_REASONS)[number];

export interface FrameReject {
  readonly ok: false;
  readonly reason: FrameRejectReason;
  readonly detail: string;
  /** The request field at fault, for protocols with named fields (OsmAnd answers 400 naming it). */
  readonly field?: string;
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | FrameReject;

/** A framer's answer over a stream buffer: a frame of `length` bytes, more bytes needed, or a reject. */
export type Framed<T> =
  | { readonly kind: 'frame'; readonly length: number; readonly value: T }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'reject'; readonly reject: FrameReject; /** bytes to archive with the reject */ readonly length: number };

export const reject = (reason: FrameRejectReason, detail: string): FrameReject => ({ ok: false, reason, detail });
export const decoded = <T>(value: T): Decoded<T> => ({ ok: true, value });
