import type { LivePosition } from '../../queries/live-feed.ts';
import { EventStreamParser } from './event-stream.ts';
import { LiveState, type LiveCounts, type LiveDistrict, type LiveFrame } from './live-state.ts';

/** What the page sends: the settings, the districts once known, and the live stream's bytes as they come (reset at each connection). */
export type LiveWorkerInput =
  | { readonly kind: 'start'; readonly staleAfterMs: number }
  | { readonly kind: 'districts'; readonly districts: readonly LiveDistrict[] }
  | { readonly kind: 'reset' }
  | { readonly kind: 'chunk'; readonly bytes: Uint8Array };

export type LiveWorkerOutput = LiveFrame | LiveCounts | { readonly kind: 'problem'; readonly message: string };

/**
 * The page is sent a frame at most this often. Each vehicle reports about once a second, but the feed sends several
 * smaller batches a second (in \`fleetlake start\` it reads after every ingested batch too), and each frame the page
 * gets is a repaint of the whole map: under software WebGL a repaint costs the GPU process tens of ms of CPU even
 * with an empty map (bench:map), so a repaint per batch would spend more CPU than the vehicles' moves are worth.
 */
const FRAME_INTERVAL_MS = 1_000;
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
    state = new LiveState(message.staleAfterMs, Date.now());
    setInterval(() => postCounts(), STALE_CHECK_MS);
  } else if (message.kind === 'districts') {
    state?.setDistricts(message.districts);
    postCounts();
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
  // A snapshot goes at once (the first render waits for it); changes are gathered for up to a second.
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
