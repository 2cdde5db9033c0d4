import { startLocalKafka } from '../../broker/local-kafka.ts';
import { KAFKA_LINES, KAFKA_VERSION } from '../../broker/fetch-kafka.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const brokerCommand: Command = {
  name: 'broker',
  summary: `run a local single-node Kafka ${KAFKA_VERSION} (KRaft) on loopback for development`,
  help: `Usage: fleetlake broker [--port 9092] [--data-dir .cache/broker] [--partitions 6]

Starts Apache Kafka ${KAFKA_VERSION} in KRaft mode on 127.0.0.1, fetching its jars
from Maven Central on first use (needs Java 17+ and Maven; cached in
.cache/kafka-${KAFKA_VERSION}); FLEETLAKE_KAFKA_VERSION picks another of
${Object.keys(KAFKA_LINES).join(', ')}. Point the other commands at it with
KAFKA_BROKERS=127.0.0.1:<port>. Stops on Ctrl-C. In production use Redpanda
(docker-compose.yml) or any Kafka-API broker instead.

  --port N         broker port (default 9092; 0 picks a free one)
  --data-dir DIR   keep the broker's log here across restarts (default .cache/broker)
  --partitions N   default partition count of new topics (default 6)`,
  async run(ctx) {
    const { values } = parseCommandArgs('broker', ctx.argv, {
      port: { type: 'string', default: '9092' },
      'data-dir': { type: 'string', default: '.cache/broker' },
      partitions: { type: 'string', default: '6' },
    });
    const port = Number(values.port);
    const partitions = Number(values.partitions);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('broker', `--port ${values.port} is not a port number (0 to 65535)`);
    if (!Number.isInteger(partitions) || partitions < 1) throw usageError('broker', `--partitions ${values.partitions} must be a whole number of at least 1`);

    const kafka = await startLocalKafka({ port, dataDir: values['data-dir'], partitions, log: (line) => ctx.logger.debug({ kafka: line }) });
    ctx.stdout.write(`Kafka ${kafka.version} is up: KAFKA_BROKERS=${kafka.bootstrap}\n`);
    const stopped = new Promise<void>((resolve) => ctx.stopSignal.addEventListener('abort', () => resolve(), { once: true }));
    const code = await Promise.race([kafka.exited.then((c) => c ?? 1), stopped.then(() => 0)]);
    await kafka.stop();
    return code;
  },
};
