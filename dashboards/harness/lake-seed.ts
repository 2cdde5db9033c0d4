import type { ClickHouseClient } from '@clickhouse/client';
import type { FleetlakeConfig } from '../../core/config.ts';
import { loadDistricts, type District } from '../../core/districts.ts';
import type { IngestMetricSeries, MetricSeries } from '../../core/metrics.ts';
import { TABLES, TOPICS } from '../../core/names.ts';
import { encodePosition, parsePosition, type Position } from '../../core/position.ts';
import { backfillMessages, type OutgoingMessage } from '../../generator/index.ts';
import { createInProcessSource, runIngest } from '../../ingest/index.ts';
import { buildApp } from '../../queries/app.ts';
import { replaceDistricts } from '../../queries/districts-store.ts';
import { seedDevices } from './device-seed.ts';

/**
 * Fills a test lake the way production does, for every dashboard panel to
 * read: the built-in districts; the generator's fleet over the last two hours
 * (with some malformed messages) and an archived month, both carried into
 * ClickHouse by the real ingest library, which writes the rejects and its own
 * metric reports; then a recorded hour of two ingest processes' reports, since
 * a test ingest run lasts seconds, not the hour the Ingest dashboard shows;
 * then the gateway's frames, commands and reports (device-seed.ts).
 */
export interface SeededLake {
  readonly districts: readonly District[];
  /** The live fleet's accepted positions, for checking answers independently of ClickHouse. */
  readonly positions: readonly Position[];
  /** Live messages the position contract refuses: ingest must have stored each as a reject. */
  readonly refused: number;
}

const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface MetricRow {
  readonly ts: string;
  readonly instance: string;
  readonly metric: MetricSeries;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export const metricRow = (tsMs: number, instance: string, metric: MetricSeries, value: number, labels: Record<string, string> = {}): MetricRow =>
  ({ ts: chTime(tsMs), instance, metric, labels, value });

export async function insertMetrics(client: ClickHouseClient, rows: readonly MetricRow[]): Promise<void> {
  await client.insert({ table: TABLES.ingestMetrics, values: rows, format: 'JSONEachRow' });
}

/** Straight into fleet.positions, bypassing ingest: for tests that need event times ingest would refuse or a precise shape. */
export async function insertPositions(client: ClickHouseClient, positions: readonly Position[]): Promise<void> {
  const rows = positions.map(({ ts_ms, ...p }) => ({ ...p, ts: chTime(ts_ms) }));
  await client.insert({ table: TABLES.positions, values: rows, format: 'JSONEachRow' });
}

/** `vehicles` generated vehicles reporting every `intervalMs` over [fromMs, toMs), as positions. */
export function generatedPositions(vehicles: number, fromMs: number, toMs: number, intervalMs = 5000, seed = 1): Position[] {
  return accepted([...backfillMessages({ vehicles, seed, fromMs, toMs, intervalMs })]);
}

function accepted(messages: readonly OutgoingMessage[]): Position[] {
  return messages.flatMap((m) => {
    const check = parsePosition(m.value);
    return check.ok ? [check.position] : [];
  });
}

/** What two ingest processes, each owning three partitions, report every 5 s over the hour before `nowMs` (one restarts half-way). */
export function recordedReports(nowMs: number): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const [n, instance] of ['ingest-a', 'ingest-b'].entries()) {
    for (let t = nowMs - HOUR, i = 0; t <= nowMs; t += 5000, i++) {
      const wave = Math.sin(i / 20 + n);
      const since = n === 1 && i >= 360 ? i - 360 : i;
      const figures: Partial<Record<IngestMetricSeries, number>> = {
        rows_per_second: 1000 + 100 * wave, rows_total: 5000 * since, batches_total: since, batch_rows_avg: 5000 + 500 * wave,
        batch_bytes_avg: 700_000, insert_seconds_p50: 0.02 + 0.005 * wave, insert_seconds_p99: 0.09 + 0.02 * wave,
        insert_failures_total: Math.floor(since / 97), freshness_seconds: 2 + wave,
        // A two-minute stall every half hour: all three partitions paused, about three batches each held.
        paused_partitions: i % 360 < 24 ? 3 : 0, buffered_messages: i % 360 < 24 ? 45_000 : 6000 + 2000 * wave,
        // From the 40-minute mark one process meets a batch it cannot decode: one partition stops, the others go on.
        stopped_partitions: n === 0 && i >= 480 ? 1 : 0,
      };
      for (const [metric, value] of Object.entries(figures)) rows.push(metricRow(t, instance, metric as IngestMetricSeries, value));
      for (let p = 3 * n; p < 3 * n + 3; p++) rows.push(metricRow(t, instance, 'consumer_lag', 200 + 150 * wave + p, { topic: TOPICS.positions, partition: String(p) }));
      rows.push(metricRow(t, instance, 'rejects_total', Math.floor(since / 40), { reason: 'lat_out_of_range' }));
    }
  }
  return rows;
}

async function ingest(client: ClickHouseClient, config: FleetlakeConfig, messages: readonly OutgoingMessage[]): Promise<void> {
  const source = createInProcessSource({ partitions: 3 });
  const running = runIngest({ source, client, config });
  await source.push(messages);
  source.end();
  await running;
}

/**
 * Seeds `client`'s lake for the dashboards at `nowMs`. `config.ingest` should
 * turn the metrics port off (metrics_port 0) so parallel test files do not collide.
 */
export async function seedLake(client: ClickHouseClient, config: FleetlakeConfig, nowMs: number): Promise<SeededLake> {
  const districts = loadDistricts();
  await replaceDistricts(client, districts);
  const live = [...backfillMessages({ vehicles: 40, seed: 1, intervalMs: 10_000, fromMs: nowMs - 2 * HOUR, toMs: nowMs, faults: { malformedShare: 0.01 } })];
  // An old month, past the 30-day hot period, for the cold volume.
  const archive = generatedPositions(4, nowMs - 75 * DAY, nowMs - 75 * DAY + 600_000, 10_000, 2)
    .map((p) => ({ key: p.vehicle_id, value: encodePosition({ ...p, vehicle_id: `archive-${p.vehicle_id}` }) }));
  await ingest(client, config, [...live, ...archive]);
  await client.command({ query: `ALTER TABLE ${TABLES.positions} MATERIALIZE TTL`, clickhouse_settings: { mutations_sync: '2' } });
  await insertMetrics(client, recordedReports(nowMs));
  await callApi(client, config, nowMs);
  await seedDevices(client, nowMs);
  const positions = accepted(live);
  return { districts, positions, refused: live.length - positions.length };
}

/** A few requests through the real query API, which writes them to the audit trail (the "API access" panel). */
async function callApi(client: ClickHouseClient, config: FleetlakeConfig, nowMs: number): Promise<void> {
  const app = await buildApp({ clickhouse: { client }, config, now: () => nowMs });
  const from = new Date(nowMs - HOUR).toISOString();
  const to = new Date(nowMs).toISOString();
  await app.inject({ method: 'GET', url: '/v1/vehicles/latest' });
  await app.inject({ method: 'GET', url: `/v1/vehicles/v-00001/track?from=${from}&to=${to}` });
  await app.inject({ method: 'POST', url: '/v1/area-query', payload: { area: { district_id: 'd06' }, from, to } });
  await app.close();
}
