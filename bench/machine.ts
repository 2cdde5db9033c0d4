import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const REFERENCE_MESSAGES = 200_000;

/**
 * The machine line every benchmark prints: cores, memory, Node, and how fast
 * one core is at the time of the run. The development VM's speed drifts by
 * tens of percent between days, so figures from different runs compare only
 * through this reference (or as ratios within one run).
 */
export function describeMachine(): string {
  const model = cpus()[0]?.model.trim() || 'cpu';
  const gib = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpus().length} × ${model}, ${gib} GiB, Node ${process.version}; core speed reference ${referenceMs()} ms (${REFERENCE_MESSAGES.toLocaleString('en')} position messages JSON.parse + JSON.stringify, best of 3, lower is faster)`;
}

/** A fixed single-core workload close to the ingest thread's own (parsing and writing position messages). */
function referenceMs(): number {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    lines.push(JSON.stringify({ vehicle_id: `v-${String(i).padStart(5, '0')}`, ts: new Date(1_795_000_000_000 + i * 5000).toISOString(), lat: 45.5 + i / 1e5, lon: -73.56 - i / 1e5, speed_kmh: i % 90, heading_deg: i % 360 }));
  }
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let i = 0; i < REFERENCE_MESSAGES; i++) sink += JSON.stringify(JSON.parse(lines[i % lines.length]!)).length;
    best = Math.min(best, performance.now() - started);
  }
  // Keeps the loop's result alive so the work cannot be optimised away.
  if (sink === 0) throw new Error('reference workload produced nothing');
  return Math.round(best);
}

/** Linux's clock ticks per second for /proc CPU times (USER_HZ: 100 on every mainstream kernel build). */
const USER_HZ = 100;

/**
 * CPU time (user + system, all threads) spent so far by this process, and by
 * another one when its pid is known (Linux /proc), in microseconds: what a
 * scenario costs in CPU is its difference, which a busy machine does not skew
 * the way it skews wall time.
 */
export function cpuMicros(otherPid?: number): { self: number; other: number | undefined } {
  const { user, system } = process.cpuUsage();
  let other: number | undefined;
  if (otherPid !== undefined) {
    try {
      // Fields 14 and 15 of /proc/PID/stat, counted after the command name's closing parenthesis.
      const fields = readFileSync(`/proc/${otherPid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      other = ((Number(fields[11]) + Number(fields[12])) / USER_HZ) * 1e6;
    } catch {
      other = undefined;
    }
  }
  return { self: user + system, other };
}
