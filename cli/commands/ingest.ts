import { openClickHouse } from '../../core/clickhouse.ts';
import { createKafkaSource, kafkaSourceOptions } from '../../ingest/sources/kafka.ts';
import { createFileSource, inspectFile, type FileFormat } from '../../ingest/sources/file.ts';
import { runIngest } from '../../ingest/run-ingest.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

const FORMATS: readonly FileFormat[] = ['ndjson', 'csv'];

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'write positions from Kafka/Redpanda or a file into the lake, in batches, exactly once',
  help: `Usage: fleetlake ingest [--source kafka|file:PATH] [--group G] [--format ndjson|csv]

Validates positions and inserts them into fleet.positions in batches (per
partition: ingest.batch_rows rows, ingest.batch_bytes bytes or
ingest.batch_max_wait, whichever comes first), exactly once in effect: a crash,
a restart or a retry never loses nor doubles a position. Bad messages go, one by
one with the reason, to fleet.ingest_rejects and (Kafka) the dead-letter topic.

  --source kafka       consume kafka.topic (FLEETLAKE_TOPIC, default fleet.positions)
                       from KAFKA_BROKERS; runs until Ctrl-C / SIGTERM, then
                       flushes, commits and leaves the group (the default)
  --source file:PATH   import an NDJSON file, or a CSV file whose header names
                       vehicle_id,ts,lat,lon,speed_kmh,heading_deg[,vehicle_type];
                       exits when done. Importing the same file again inserts
                       nothing; an interrupted import resumes where it stopped.
  --group G            consumer group (default ingest.group_id, FLEETLAKE_INGEST_GROUP);
                       ingest processes in one group share the partitions
  --format F           ndjson or csv, when the file's extension does not say

Prometheus metrics: http://HOST:9464/metrics (ingest.metrics_port,
FLEETLAKE_INGEST_METRICS_PORT; 0 turns it off). Every ingest.report_interval the
same figures go into fleet.ingest_metrics. Needs a migrated lake: 'fleetlake migrate'.`,

  async run(ctx) {
    const { values } = parseCommandArgs('ingest', ctx.argv, {
      source: { type: 'string', default: 'kafka' },
      group: { type: 'string' },
      format: { type: 'string' },
    });
    const source = values.source;
    const filePath = source.startsWith('file:') ? source.slice('file:'.length) : undefined;
    if (source !== 'kafka' && !filePath) throw usageError('ingest', `--source ${source} is not a source: use kafka or file:PATH`);
    if (values.format !== undefined && !FORMATS.includes(values.format as FileFormat)) throw usageError('ingest', `--format ${values.format}: use ndjson or csv`);
    if (values.format !== undefined && !filePath) throw usageError('ingest', '--format only applies to --source file:PATH');
    if (values.group !== undefined && filePath) throw usageError('ingest', '--group only applies to --source kafka');
    const config = ctx.loadConfig(values.group !== undefined ? { ingest: { group_id: values.group } } : undefined);
    const logger = ctx.logger;

    if (filePath === undefined) {
      const kafka = createKafkaSource(kafkaSourceOptions(config, logger));
      const ch = openClickHouse(config);
      try {
        logger.info({ topic: config.kafka.topic, group: config.ingest.group_id, lake: ch.location }, 'consuming');
        const summary = await runIngest({ source: kafka, client: ch.client, config, logger, signal: ctx.stopSignal });
        ctx.stdout.write(`stopped: ${summary.rows} positions inserted, ${rejectCount(summary.rejects)} rejected\n`);
        return 0;
      } finally {
        await ch.close();
      }
    }

    const info = await inspectFile(filePath, values.format as FileFormat | undefined);
    const ch = openClickHouse(config);
    try {
      const file = createFileSource(info, ch.client);
      const summary = await runIngest({ source: file, client: ch.client, config, logger, signal: ctx.stopSignal });
      const rejected = rejectCount(summary.rejects);
      if (ctx.stopSignal.aborted) {
        ctx.stdout.write(`stopped at line ${file.read.lines} of ${info.path}: run the same command again to resume\n`);
        return 130;
      }
      if (file.read.messages === 0 && file.read.resumedAt > 1) {
        ctx.stdout.write(`${info.path} was already imported into ${ch.location}: nothing new\n`);
      } else {
        ctx.stdout.write(
          `imported ${info.path} (${info.format}) into ${ch.location}: ${summary.rows} positions inserted, ${rejected} rejected` +
            `${rejected > 0 ? ' (see fleet.ingest_rejects)' : ''}${file.read.resumedAt > 1 ? `, resumed at line ${file.read.resumedAt}` : ''}\n`,
        );
      }
      return 0;
    } finally {
      await ch.close();
    }
  },
};

function rejectCount(rejects: Readonly<Record<string, number>>): number {
  return Object.values(rejects).reduce((a, b) => a + b, 0);
}
