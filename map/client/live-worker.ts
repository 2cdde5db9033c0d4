import type { LivePosition } from '../../queries/live-feed.ts';
import { EventStreamParser } from './event-stream.ts';
import { LiveState, type LiveCounts, type LiveDistrict, type LiveFrame } from './live-state.ts';

/** What the page sends: the districts once, then the live stream's bytes as they come (reset at each connection). */
export type LiveWorkerInput =
  | { readonly kind: 'start'; readonly districts: readonly LiveDistrict[]; readonly staleAfterMs: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'chunk'; readonly bytes: Uint8Array };

export type LiveWorkerOutput = LiveFrame | LiveCounts | { readonly kind: 'problem'; readonly message: string };

/** The page is sent at most this many frames a second: it draws one per display frame at most anyway. */
const FRAME_INTERVAL_MS = 100;
/** Counting every vehicle against every district is the costliest step: this often at most. */
const COUNTS_INTERVAL_MS = 2_000;
/** Vehicles go stale with no event at all, so the counts are redone this often regardless. */
const STALE_CHECK_MS = 5_000;

interface WorkerScope {
  onmessage: ((event: MessageEvent<LiveWorkerInput>) => void) | null;
  postMessage(message: LiveWorkerOutput, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

/**
 * GET /v1/live's bytes to packed frames, off the page's main thread: text
 * decoding, event parsing, JSON.parse of ten thousand positions a second and
 * the district counts all happen here. The page keeps the fetch (it owns the
 * API key and the 401 prompt) and hands every chunk over.
 */
let state: LiveState | undefined;
let decoder = new TextDecoder();
let parser = new EventStreamParser();
let framePending = false;
let countsDue = 0;

scope.onmessage = ({ data: message }) => {
  if (message.kind === 'start') {
    state = new LiveState(message.districts, message.staleAfterMs, Date.now());
    setInterval(() => postCounts(), STALE_CHECK_MS);
  } else if (message.kind === 'reset') {
    decoder = new TextDecoder();
    parser = new EventStreamParser();
  } else {
    for (const event of parser.push(decoder.decode(message.bytes, { stream: true }))) apply(event.event, event.data);
  }
};

function apply(event: string, data: string): void {
  if (!state) return;
  if (event === 'problem') return scope.postMessage({ kind: 'problem', message: (JSON.parse(data) as { message: string }).message });
  if (event !== 'snapshot' && event !== 'changes') return;
  state.apply(event, (JSON.parse(data) as { positions: LivePosition[] }).positions);
  if (event === 'snapshot') countsDue = 0;
  if (framePending) return;
  framePending = true;
  // A snapshot goes at once (the first render waits for it); changes are gathered for a moment.
  setTimeout(postFrame, event === 'snapshot' ? 0 : FRAME_INTERVAL_MS);
}

function postFrame(): void {
  framePending = false;
  if (!state) return;
  const frame = state.frame();
  scope.postMessage(frame, [frame.gpu.buffer, frame.lonLat.buffer, frame.speed.buffer, frame.seenMs.buffer]);
  if (Date.now() >= countsDue) postCounts();
}

function postCounts(): void {
  if (!state) return;
  countsDue = Date.now() + COUNTS_INTERVAL_MS;
  scope.postMessage(state.counts(Date.now()));
}
