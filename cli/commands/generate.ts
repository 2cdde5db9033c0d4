import { writeFileSync } from 'node:fs';
import { CONFIG_SPEC } from '../../core/config-spec.ts';
import { KAFKA_COMPRESSIONS } from '../../core/kafka-codecs.ts';
import { createProgressBar } from '../../generator/progress.ts';
import { parseGenerateFlags, GENERATE_FLAGS } from '../../generator/cli-options.ts';
import { simulatedDevices } from '../../gateway/simulator/device-sink.ts';
import { fleetRoster } from '../../generator/roster.ts';
import { runGenerator, type RunGeneratorOptions } from '../../generator/run.ts';
import { openSink, type OpenSinkContext, type SinkSpec } from '../../generator/sinks/open-sink.ts';
import { runGeneratorInWorkers } from '../../generator/workers/run-in-workers.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../command.ts';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'simulate a city fleet and stream its GPS positions to Kafka, stdout or a file',
  help: `Usage: fleetlake generate [--vehicles N] [--interval 5s] [--duration 10m | --from T (--to T | --duration D)]
                          [--seed S] [--sink kafka|stdout|null|file:PATH] [--districts FILE]
                          [--instance I --instances N] [more options below]

Simulates a delivery fleet driving the streets of a city (default: 16 districts
over Montréal) and emits one position per vehicle every interval, as the JSON
of core/position.schema.json, keyed by vehicle id.

Without --from it runs live, paced by the wall clock, until Ctrl-C or --duration.
With --from it backfills the period on a simulated clock as fast as the sink
takes it (a progress bar shows on a terminal). The same seed and options give
the same output byte for byte.

Fleet
  --vehicles N               vehicles in the whole fleet (default 1000; config generator.vehicles)
  --interval D               how often each vehicle reports, 1s to 1h (default 5s); reports
                             jitter by up to ±250 ms (±5% of the interval)
  --seed S                   whole number 0..4294967295 (default 1): same seed, same stream
  --districts FILE           GeoJSON FeatureCollection of district polygons (default: the
                             built-in Montréal districts, core/districts/montreal.geojson)
  --mix bike:15,car:30,...   relative weights of vehicle types bike, car, van, truck
                             (default bike:15,car:30,van:40,truck:15)
  --cross-district-share X   share of trips going outside the vehicle's home district (default 0.1)
  --gps-noise-m M            radius of the GPS error in metres, 0..100 (default 4)

Time
  --from T                   backfill start, ISO 8601 (e.g. 2026-11-02T08:00:00Z)
  --to T                     backfill end (exclusive)
  --duration D               backfill length after --from, or how long a live run lasts
                             (e.g. 10m, 2h, 30d)

Output
  --sink S                   kafka (topic kafka.topic, default fleet.positions; needs
                             KAFKA_BROKERS; the topic is created with kafka.partitions
                             when missing), stdout (NDJSON), file:PATH (NDJSON) or null
                             (default stdout; config generator.sink)
  --compression C            Kafka batch compression: ${KAFKA_COMPRESSIONS.join(', ')} (default ${CONFIG_SPEC.generator.compression.default})
  --batch-size N             messages per send (default 10000)

Device simulator (--sink teltonika://HOST:PORT, gt06://HOST:PORT, osmand://HOST:PORT)
  Every vehicle becomes a tracker with its own connection to a fleetlake gateway
  (or a Traccar server), logged in with its own IMEI (Teltonika, GT06: 35 + the
  digits of its id) or id (OsmAnd). It sends real protocol frames, waits for
  each ACK and sends again on a timeout. Odd vehicles use Codec 8 Extended and
  the OsmAnd JSON body, even ones Codec 8 and the query string.
  --records-per-packet N     Teltonika packets carry 1..N records, drawn per packet (default 1)
  --ack-timeout D            how long a packet waits for its ACK before it is resent (default 5s)
  --devices-csv FILE         write the fleet's devices (device_id,vehicle_id,vehicle_type) for
                             'fleetlake devices import FILE' and stop, sending nothing

Scale-out
  --workers N                threads on this machine's cores, each simulating every Nth
                             vehicle into a sink of its own (null and kafka sinks; default 1)
  --instance I --instances N run N generators side by side: instance I (0..N-1) simulates
                             the vehicles whose number modulo N is I; together they cover
                             the fleet exactly once and each vehicle behaves the same

Faults (off by default; for exercising ingest)
  --duplicate-share X        share of messages sent twice in a row
  --late-share X             share of positions delivered late: a vehicle goes offline
                             for 1-10 minutes, then sends its backlog in one burst (< 1)
  --malformed-share X        share of messages replaced by broken payloads (not JSON,
                             missing fields, wrong types, out-of-range values, bad
                             timestamps...); exact to one message, seeded

Examples
  fleetlake generate --sink stdout --vehicles 300 --from 2026-11-02T08:00:00Z --to 2026-11-02T09:00:00Z --seed 7
  KAFKA_BROKERS=127.0.0.1:9092 fleetlake generate --sink kafka --vehicles 5000
  fleetlake generate --vehicles 50 --sink teltonika://127.0.0.1:5027 --devices-csv sim.csv && fleetlake devices import sim.csv
  fleetlake generate --vehicles 50 --sink teltonika://127.0.0.1:5027 --records-per-packet 10
  fleetlake generate --sink file:day.ndjson --vehicles 1000 --from 2026-11-02 --duration 1d --malformed-share 0.01`,
  async run(ctx) {
    const { values } = parseCommandArgs('generate', ctx.argv, GENERATE_FLAGS);
    const config = ctx.loadConfig();
    const options = parseGenerateFlags(values, config);
    if (options.devicesCsv !== undefined && options.sink.kind === 'device') {
      const devices = simulatedDevices(options.sink.protocol, fleetRoster(options.fleet));
      writeFileSync(options.devicesCsv, `device_id,vehicle_id,vehicle_type\n${devices.map((d) => `${d.device_id},${d.vehicle_id},${d.vehicle_type}`).join('\n')}\n`);
      ctx.stdout.write(`wrote ${devices.length} simulated ${options.sink.protocol} devices to ${options.devicesCsv}: 'fleetlake devices import ${options.devicesCsv}' registers them\n`);
      return 0;
    }
    const stop = new AbortController();
    const onStop = () => stop.abort();
    ctx.stopSignal.addEventListener('abort', onStop, { once: true });
    const stderr = ctx.stderr as NodeJS.WritableStream & { isTTY?: boolean };
    const bar = options.schedule.kind === 'backfill' && stderr.isTTY ? createProgressBar(stderr) : undefined;
    const run = { fleet: options.fleet, schedule: options.schedule, signal: stop.signal, batchSize: options.batchSize, onProgress: bar?.update };
    const started = Date.now();
    try {
      const summary =
        options.workers > 1 && (options.sink.kind === 'null' || options.sink.kind === 'kafka')
          ? await runGeneratorInWorkers({ ...run, workers: options.workers, sink: options.sink, kafka: config.kafka, compression: options.compression })
          : await runInThisThread(options.sink, run, {
              config,
              stdout: ctx.stdout,
              logger: ctx.logger,
              compression: options.compression,
              onReaderGone: onStop,
              device: { seed: options.fleet.seed, ...options.device },
            });
      bar?.finish();
      const seconds = (Date.now() - started) / 1000;
      ctx.logger.info(
        { ...summary, from: new Date(summary.fromMs).toISOString(), reached: new Date(summary.reachedMs).toISOString(), seconds, perSecond: Math.round(summary.messages / Math.max(seconds, 1e-3)) },
        'generator finished',
      );
      return 0;
    } finally {
      ctx.stopSignal.removeEventListener('abort', onStop);
    }
  },
};

async function runInThisThread(spec: SinkSpec, run: Omit<RunGeneratorOptions, 'sink'>, context: OpenSinkContext) {
  const sink = await openSink(spec, context);
  try {
    return await runGenerator({ ...run, sink });
  } finally {
    await sink.close();
  }
}
