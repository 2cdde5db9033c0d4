import { writeFileSync } from 'node:fs';
import { openClickHouse } from '../../core/clickhouse.ts';
import { parseDuration } from '../../core/duration.ts';
import { measureCalibration } from '../../estimator/calibrate.ts';
import { DEFAULT_CALIBRATION_FILE, readCalibration, writeCalibration } from '../../estimator/calibration.ts';
import { renderEstimateCsv } from '../../estimator/estimate-csv.ts';
import { renderEstimateTable } from '../../estimator/estimate-table.ts';
import { estimate } from '../../estimator/estimate.ts';
import { buildScenario, flagName, readScenarioFile, SCENARIO_FIELDS, type ScenarioSource } from '../../estimator/scenario.ts';
import { renderStorageChart } from '../../estimator/storage-chart.ts';
import { formatBytes, formatCount, significant } from '../../estimator/units.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command, CommandContext } from '../command.ts';

const FORMATS = ['table', 'json', 'csv'] as const;
const SCENARIO_FLAGS = Object.fromEntries(Object.keys(SCENARIO_FIELDS).map((key) => [flagName(key).slice(2), { type: 'string' as const }]));

export const estimateCommand: Command = {
  name: 'estimate',
  summary: 'capacity estimate: events/s, broker, storage per tier for the retention, ingest processes, cost',
  get help() {
    const fields = Object.entries(SCENARIO_FIELDS).map(([key, field]) => `  ${flagName(key).padEnd(30)} ${field.doc} (${field.fallback ? `default ${showDefault(field.fallback())}` : 'required'})`);
    return `Usage: fleetlake estimate [--scenario FILE.yaml] [--<field> VALUE ...] [--format table|json|csv] [--chart FILE.svg]
       fleetlake estimate calibrate [--out FILE] [--window 24h] [--statistic p95|max] [--source TEXT] [--note TEXT]

Estimates what a fleet needs: events per second, broker traffic and disk,
ClickHouse rows, bytes and parts, storage per tier at the end of each year of
the retention, ingest processes and topic partitions, the rows a district
query reads, and the monthly and yearly cost. docs/estimator.md has every formula.

Inputs come from a YAML file of the keys below (snake_case), and flags win
over the file. Sizes take B, KB, MB, GB, KiB, MiB, GiB; durations ms, s, m, h,
d, w, y (y = 365.25 d); shares take 0.5 or 50%.

${fields.join('\n')}

  --scenario FILE                YAML scenario file
  --calibration FILE             calibration to use (default: estimator.calibration, else the shipped one)
  --format F                     table (default), json or csv
  --chart FILE.svg               also write an SVG chart of storage by tier over the years

calibrate: measures bytes per position (system.parts, system.parts_columns of
fleet.positions) and ingest rows/s per process (fleet.ingest_metrics) on the
configured lake and writes the calibration file estimates read.
  --out FILE          where to write (default: the --calibration file)
  --window D          how far back ingest reports count (default 24h)
  --statistic S       p95 (default) or max of each instance's rows_per_second
  --source TEXT       where the data came from, kept in the file's provenance
  --note TEXT         free text kept in the provenance`;
  },
  async run(ctx) {
    return ctx.argv[0] === 'calibrate' ? runCalibrate(ctx) : runEstimate(ctx);
  },
};

function showDefault(value: unknown): string {
  if (typeof value === 'number') return significant(value, 4);
  return typeof value === 'object' && value !== null && 'text' in value ? String(value.text) : String(value);
}

function calibrationPath(ctx: CommandContext, flag: string | undefined): string {
  return flag ?? (ctx.loadConfig().estimator.calibration || DEFAULT_CALIBRATION_FILE);
}

async function runEstimate(ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs('estimate', ctx.argv, {
    ...SCENARIO_FLAGS,
    scenario: { type: 'string' },
    calibration: { type: 'string' },
    format: { type: 'string', default: 'table' },
    chart: { type: 'string' },
  });
  const format = values.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) throw usageError('estimate', `--format ${format} is not one of ${FORMATS.join(', ')}`);

  const fromFlags: Record<string, unknown> = {};
  const flagValues: Record<string, unknown> = values;
  for (const key of Object.keys(SCENARIO_FIELDS)) fromFlags[key] = flagValues[flagName(key).slice(2)];
  const sources: ScenarioSource[] = [{ values: fromFlags, where: (key) => ` (from ${flagName(key)})` }];
  if (typeof values.scenario === 'string') sources.unshift(readScenarioFile(values.scenario));

  const scenario = buildScenario(sources);
  const result = estimate(scenario, readCalibration(calibrationPath(ctx, values.calibration as string | undefined)));
  ctx.stdout.write(format === 'json' ? JSON.stringify(result, null, 2) + '\n' : format === 'csv' ? renderEstimateCsv(result) : renderEstimateTable(result));

  if (typeof values.chart === 'string') {
    const last = result.storage_bytes_by_year[result.storage_bytes_by_year.length - 1];
    const svg = renderStorageChart(result.storage_bytes_by_year, {
      title: `fleet.positions storage by tier, end of each year (× ${scenario.replicas} replica(s))`,
      hot: `hot: last ${scenario.hot_period.text} (${formatBytes(last?.hot_bytes ?? 0)} in year ${last?.year ?? 1})`,
      cold: `cold: older, up to ${scenario.retention.text}`,
    });
    writeFileSync(values.chart, svg);
    ctx.stderr.write(`chart written to ${values.chart}\n`);
  }
  return 0;
}

async function runCalibrate(ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs('estimate calibrate', ctx.argv.slice(1), {
    out: { type: 'string' },
    calibration: { type: 'string' },
    window: { type: 'string', default: '24h' },
    statistic: { type: 'string', default: 'p95' },
    source: { type: 'string' },
    note: { type: 'string' },
  });
  const window = parseDuration(values.window);
  if (!window || window.ms <= 0) throw usageError('estimate calibrate', `--window ${values.window} is not a duration such as 1h or 24h`);
  if (values.statistic !== 'p95' && values.statistic !== 'max') throw usageError('estimate calibrate', `--statistic ${values.statistic} must be p95 or max`);
  const basePath = calibrationPath(ctx, values.calibration);
  const previous = readCalibration(basePath);
  const out = values.out ?? basePath;

  const config = ctx.loadConfig();
  const ch = openClickHouse(config);
  try {
    const { calibration, warnings } = await measureCalibration(ch.client, {
      now: Date.now,
      windowMs: window.ms,
      statistic: values.statistic,
      source: values.source ?? `fleet.positions on ${ch.mode} ClickHouse at ${ch.location}`,
      note: values.note,
      previous,
    });
    for (const warning of warnings) ctx.stderr.write(`warning: ${warning}\n`);
    writeCalibration(out, calibration);
    const s = calibration.storage;
    ctx.stdout.write(
      `calibration written to ${out}: ${formatCount(s.rows)} rows in ${s.parts} part(s), ${formatBytes(s.bytes_on_disk)} on disk = ` +
        `${significant(s.bytes_per_row)} B/row; ingest ${formatCount(calibration.ingest.rows_per_second_per_process)} rows/s per process\n`,
    );
    return 0;
  } finally {
    await ch.close();
  }
}
