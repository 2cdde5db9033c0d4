import { describe, expect, it } from 'vitest';
import { parsePosition } from '../core/position.ts';
import { backfillMessages } from './backfill.ts';
import { createFleetEngine } from './engine.ts';
import type { BackfillOptions } from './fleet-options.ts';
import { malform, MALFORMED_KINDS } from './malformed.ts';
import { createRandom } from './prng.ts';
import type { OutgoingMessage } from './sink.ts';

const FROM = Date.parse('2026-11-02T08:00:00Z');
const base: BackfillOptions = { vehicles: 150, seed: 11, fromMs: FROM, toMs: FROM + 30 * 60_000 };
const clean = [...backfillMessages(base)];
const values = (list: readonly OutgoingMessage[]) => list.map((m) => m.value);
const tsOf = (m: OutgoingMessage) => Date.parse((JSON.parse(m.value) as { ts: string }).ts);

describe('malformed payloads', () => {
  it('are refused by the position contract for exactly the reason each kind names, with no newline', () => {
    const random = createRandom(4);
    for (const value of clean.slice(0, 300).map((m) => m.value)) {
      for (const kind of MALFORMED_KINDS) {
        const broken = malform(value, kind, random);
        const check = parsePosition(broken);
        expect(check.ok ? 'accepted' : check.reason, broken).toBe(kind);
        expect(broken).not.toContain('\n');
      }
    }
  });
});

describe('fault injection', () => {
  it('replaces exactly the configured share of messages with malformed ones, at every point of the stream', () => {
    for (const share of [0.013, 0.25]) {
      const run = [...backfillMessages({ ...base, faults: { malformedShare: share } })];
      expect(run).toHaveLength(clean.length);
      let malformed = 0;
      const kinds = new Set<string>();
      const problems: string[] = [];
      run.forEach((m, i) => {
        const check = parsePosition(m.value);
        if (!check.ok) {
          malformed++;
          kinds.add(check.reason);
        } else if (m.value !== clean[i]!.value) problems.push(`message ${i} changed but is valid`);
        if (Math.abs(malformed - share * (i + 1)) >= 1) problems.push(`${malformed} malformed after ${i + 1} messages`);
      });
      expect(problems).toEqual([]);
      expect(Math.abs(malformed - share * run.length)).toBeLessThan(1);
      if (share > 0.1) expect([...kinds].sort()).toEqual([...MALFORMED_KINDS].sort());
    }
  });

  it('is deterministic for a seed', () => {
    const faults = { malformedShare: 0.05, duplicateShare: 0.02, lateShare: 0.05 };
    const a = values([...backfillMessages({ ...base, faults })]);
    expect(values([...backfillMessages({ ...base, faults })])).toEqual(a);
    expect(values([...backfillMessages({ ...base, seed: 12, faults })])).not.toEqual(a);
  });

  it('sends the configured share of messages twice in a row, nothing else changed', () => {
    const run = [...backfillMessages({ ...base, faults: { duplicateShare: 0.05 } })];
    const deduplicated = run.filter((m, i) => i === 0 || m.value !== run[i - 1]!.value);
    expect(values(deduplicated)).toEqual(values(clean));
    const share = (run.length - clean.length) / clean.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.06);
  });

  it('delivers a share of positions late, in per-vehicle bursts, losing none', () => {
    const engine = createFleetEngine({ ...base, faults: { lateShare: 0.1 } }, base.fromMs, base.toMs);
    const run: OutgoingMessage[] = [];
    while (engine.fill(run, 5000, Infinity) > 0);
    expect(values(run).sort()).toEqual(values(clean).sort());
    const stats = engine.stats();
    expect(stats.late / stats.positions).toBeGreaterThan(0.06);
    expect(stats.late / stats.positions).toBeLessThan(0.14);

    // Late = older than the newest event time already out; they arrive in bursts of one vehicle, in its own order.
    let newest = -Infinity, late = 0, bursts = 0;
    run.forEach((m, i) => {
      const ts = tsOf(m);
      if (ts < newest) {
        late++;
        const previousWasLate = i > 0 && run[i - 1]!.key === m.key && tsOf(run[i - 1]!) < ts;
        if (!previousWasLate) bursts++;
      }
      newest = Math.max(newest, ts);
    });
    expect(late).toBeGreaterThan(0.9 * stats.late);
    expect(bursts).toBeLessThan(late / 5);
  });
});
