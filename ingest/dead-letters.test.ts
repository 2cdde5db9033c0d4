import { describe, expect, inject, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { createSilentLogger } from '../core/logger.ts';
import { TABLES } from '../core/names.ts';
import { REJECT_REASONS, type RejectReason } from '../core/position.ts';
import { backfillMessages } from '../generator/index.ts';
import { runIngest } from './run-ingest.ts';
import { createKafkaSource, kafkaSourceOptions } from './sources/kafka.ts';
import { expectedChecksums, storedChecksums } from './testing/checksums.ts';
import { testIngestConfig } from './testing/ingest-config.ts';
import { useLakeAndTopics } from './testing/lake-and-topics.ts';
import { waitFor } from './testing/kafka-topics.ts';

const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();
const valid = { vehicle_id: 'v-bad', ts: iso(NOW - 60_000), lat: 45.5, lon: -73.6, speed_kmh: 12.5, heading_deg: 90, vehicle_type: 'van' };
const json = (patch: Record<string, unknown>) => JSON.stringify({ ...valid, ...patch });
const { lat: _lat, ...withoutLat } = valid;

/** One message per reject reason (and a few variants), each refused for exactly that reason. */
const BAD: readonly [RejectReason, string][] = [
  ['not_json', '{"vehicle_id": "v-1", "ts": '],
  ['not_json', ''],
  ['not_an_object', '[1, 2, 3]'],
  ['not_an_object', 'null'],
  ['missing_field', JSON.stringify(withoutLat)],
  ['wrong_type', json({ lat: '45.5' })],
  ['wrong_type', json({ vehicle_id: 42 })],
  ['bad_vehicle_id', json({ vehicle_id: 'has space' })],
  ['bad_timestamp', json({ ts: '2026-13-45T99:00:00Z' })],
  ['lat_out_of_range', json({ lat: 91 })],
  ['lon_out_of_range', json({ lon: -181 })],
  ['speed_out_of_range', json({ speed_kmh: 401 })],
  ['heading_out_of_range', json({ heading_deg: 360.5 })],
  ['bad_vehicle_type', json({ vehicle_type: 'Space Shuttle' })],
  ['too_old', json({ ts: iso(NOW - 3 * 86_400_000) })],
  ['too_far_in_future', json({ ts: iso(NOW + 3_600_000) })],
];

describe('dead letters', () => {
  const fixture = useLakeAndTopics(2);

  it('sends every bad message, one by one with its reason, to the DLQ topic and fleet.ingest_rejects, and ingests every good one', async () => {
    const { lake, topics } = fixture;
    expect(new Set(BAD.map(([reason]) => reason))).toEqual(new Set(REJECT_REASONS));
    const good = [...backfillMessages({ vehicles: 50, seed: 3, fromMs: NOW - 600_000, toMs: NOW - 400_000, intervalMs: 5000 })];
    // Salt the stream: a bad message after every 100 good ones, all under keys that spread over both partitions.
    const stream: { key: string; value: string }[] = [];
    good.forEach((m, i) => {
      stream.push(m);
      const bad = BAD[i / 100];
      if (i % 100 === 0 && bad) stream.push({ key: `bad-${i}`, value: bad[1] });
    });
    await topics.produce(stream);

    const config = testIngestConfig(lake.dataDir, inject('kafkaBrokers'), topics, { batch_rows: 300, batch_max_wait: '200ms', max_past: '1d', max_future: '5m' });
    const logger = createSilentLogger();
    const stop = new AbortController();
    const run = runIngest({ source: createKafkaSource(kafkaSourceOptions(config, logger)), client: lake.ch.client, config, logger, signal: stop.signal });
    const ends = await topics.ends();
    await waitFor('all offsets committed', () => topics.committedUpTo(ends));
    stop.abort();
    const summary = await run;

    const byPayload = new Map(BAD.map(([reason, payload]) => [payload, reason]));
    const rejects = await queryRows<{ reason: string; payload: string; topic: string; partition: number; offset: string; source: string }>(
      lake.ch.client,
      `SELECT reason, payload, topic, partition, offset, source FROM ${TABLES.ingestRejects} ORDER BY partition, offset`,
    );
    expect(rejects).toHaveLength(BAD.length);
    for (const r of rejects) {
      expect(r.reason).toBe(byPayload.get(r.payload));
      expect(r).toMatchObject({ topic: topics.topic, source: 'kafka' });
    }
    expect(new Set(rejects.map((r) => `${r.partition}:${r.offset}`)).size).toBe(BAD.length);

    const letters = await topics.readDeadLetters(BAD.length);
    expect(letters).toHaveLength(BAD.length);
    for (const letter of letters) {
      expect(letter.headers.reason).toBe(byPayload.get(letter.value));
      expect(letter.headers.topic).toBe(topics.topic);
      const stored = rejects.find((r) => r.payload === letter.value);
      expect(letter.headers).toMatchObject({ partition: String(stored?.partition), offset: String(stored?.offset) });
      expect(letter.headers.detail).toBeTruthy();
    }

    expect(summary.rows).toBe(good.length);
    expect(await storedChecksums(lake.ch.client)).toEqual(expectedChecksums(good.map((m) => m.value)));
  }, 120_000);
});
