import { formatClockDuration } from '../core/duration.ts';
import type { GeneratorProgress } from './run.ts';

const REDRAW_EVERY_MS = 100;

export interface ProgressBar {
  update(progress: GeneratorProgress): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

/**
 * A one-line progress bar for backfills: share of the simulated period done,
 * messages, rate and ETA, redrawn in place with \r. The caller decides whether
 * to show it (only when stderr is a terminal).
 */
export function createProgressBar(stream: NodeJS.WritableStream, now: () => number = Date.now): ProgressBar {
  const started = now();
  let last: GeneratorProgress | undefined;
  let drawnAt = -Infinity;
  const draw = () => {
    if (last) stream.write(`\r${formatProgress(last, now() - started)}\x1b[K`);
    drawnAt = now();
  };
  return {
    update(progress) {
      last = progress;
      if (now() - drawnAt >= REDRAW_EVERY_MS) draw();
    },
    finish() {
      draw();
      if (last) stream.write('\n');
    },
  };
}

/** `[#########...........]  45%  1,234,567 msgs  812,000/s  ETA 0:12` */
export function formatProgress(p: GeneratorProgress, elapsedMs: number, width = 24): string {
  const span = p.toMs - p.fromMs;
  const share = Number.isFinite(span) && span > 0 ? Math.min(1, Math.max(0, (p.reachedMs - p.fromMs) / span)) : 0;
  const filled = Math.round(share * width);
  const rate = elapsedMs > 0 ? (p.messages / elapsedMs) * 1000 : 0;
  const eta = share > 0 ? (elapsedMs * (1 - share)) / share : Number.NaN;
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ` +
    `${p.messages.toLocaleString('en-US')} msgs  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${formatClockDuration(eta)}`
  );
}
