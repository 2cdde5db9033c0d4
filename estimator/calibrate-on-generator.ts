/**
 * How the shipped estimator/calibration.json is made: a generated fleet goes
 * through the real ingest into a fresh embedded lake, parts are merged as in
 * steady state, and `estimate calibrate`'s measurement runs on it.
 *
 *   node --import tsx estimator/calibrate-on-generator.ts [--vehicles 200] [--hours 24] [--seed 7] [--out estimator/calibration.json]
 *
 * Measuring a real lake instead: `fleetlake estimate calibrate` (docs/estimator.md).
 */
import { parseArgs } from 'node:util';
import { openTestLake } from '../test-support/lake.ts';
import { measureCalibration } from './calibrate.ts';
import { DEFAULT_CALIBRATION_FILE, readCalibration, writeCalibration } from './calibration.ts';
import { ingestGeneratedFleet, useWideParts } from './generated-fleet.ts';

const { values } = parseArgs({
  options: {
    vehicles: { type: 'string', default: '200' },
    hours: { type: 'string', default: '24' },
    seed: { type: 'string', default: '7' },
    out: { type: 'string', default: DEFAULT_CALIBRATION_FILE },
  },
});
const vehicles = Number(values.vehicles);
const hours = Number(values.hours);
const seed = Number(values.seed);
const HOUR = 3_600_000;
// Yesterday from midnight UTC: inside ingest's accepted past and the hot period.
const fromMs = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 24 * HOUR;

const previous = readCalibration(values.out);
const lake = await openTestLake({ ingest: { report_interval: '1s', metrics_port: 0, instance: 'calibrate-on-generator' } });
try {
  await useWideParts(lake.ch.client);
  const started = Date.now();
  const rows = await ingestGeneratedFleet(lake.ch.client, lake.config, { vehicles, seed, fromMs, toMs: fromMs + hours * HOUR, intervalMs: 5000 });
  const { calibration, warnings } = await measureCalibration(lake.ch.client, {
    now: Date.now,
    windowMs: Date.now() - started + HOUR,
    statistic: 'p95',
    source:
      `generator backfill (generator/backfill.ts): ${vehicles} vehicles every 5 s for ${hours} h, seed ${seed}, built-in Montréal districts; ` +
      `through the real ingest (in-process source, default batching) into an embedded lake, wide parts, OPTIMIZE FINAL; ` +
      `made by estimator/calibrate-on-generator.ts`,
    note:
      'Ingest throughput was measured with the generator running in the same process on a shared machine: a floor, not a ceiling. ' +
      'Re-measure on the target hardware with `fleetlake estimate calibrate` after a load test (bench:storage, bench:ingest).',
    previous,
  });
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  writeCalibration(values.out, calibration);
  process.stdout.write(`${rows} rows; ${calibration.storage.bytes_per_row.toFixed(3)} B/row; ingest ${Math.round(calibration.ingest.rows_per_second_per_process)} rows/s per process → ${values.out}\n`);
} finally {
  await lake.dispose();
}
