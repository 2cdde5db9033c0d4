import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FleetlakeError } from '../core/errors.ts';
import { probeKafka } from '../core/kafka-probe.ts';
import { ensureKafka, kafkaLine, kafkaVersion } from './fetch-kafka.ts';

export interface LocalKafkaOptions {
  /** Broker port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Where the broker keeps its log; undefined = a temporary directory removed on stop. */
  readonly dataDir: string | undefined;
  readonly partitions?: number;
  readonly log?: (line: string) => void;
  readonly heapMb?: number;
  /** One of KAFKA_LINES; default: FLEETLAKE_KAFKA_VERSION, else the current 4.x line. */
  readonly version?: string;
}

export interface LocalKafka {
  readonly bootstrap: string;
  readonly version: string;
  /** The broker's JVM, for benchmarks that account its CPU. */
  readonly pid: number | undefined;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts a single-node Apache Kafka in KRaft mode on loopback and resolves when
 * it answers metadata requests. It runs as a child process of this one and is
 * killed if this process exits without stopping it.
 */
export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafka> {
  const version = options.version ?? kafkaVersion();
  const libs = ensureKafka(process.env, version);
  const line = kafkaLine(version);
  const port = options.port === 0 ? await freePort() : options.port;
  const controllerPort = await freePort();
  const temporary = options.dataDir === undefined;
  const home = temporary ? mkdtempSync(join(tmpdir(), 'fleetlake-kafka-')) : resolve(options.dataDir!);
  mkdirSync(home, { recursive: true });
  const logDir = join(home, 'logs');
  const properties = join(home, 'server.properties');
  writeFileSync(properties, serverProperties({ port, controllerPort, logDir, partitions: options.partitions ?? 6 }));
  const logConfig = join(home, 'logging.properties');
  writeFileSync(logConfig, line.logConfig);

  const java = ['-cp', `${libs}/*`, `${line.logConfigFlag}=file:${logConfig}`];
  if (!existsSync(join(logDir, 'meta.properties'))) {
    const format = spawnSync('java', [...java, 'kafka.tools.StorageTool', 'format', '-t', kraftClusterId(), '-c', properties, '--ignore-formatted'], { encoding: 'utf8' });
    if (format.status !== 0) throw new FleetlakeError('BROKER_UNAVAILABLE', { detail: `formatting KRaft storage failed: ${format.stderr || format.stdout}` });
  }

  const child = spawn('java', [`-Xms256m`, `-Xmx${options.heapMb ?? 1024}m`, '-XX:+UseG1GC', ...java, 'kafka.Kafka', properties], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.log ?? (() => {});
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach((line) => log(line)));
  }
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const bootstrap = `127.0.0.1:${port}`;
  const stop = async () => {
    process.off('exit', killOnExit);
    await terminate(child, exited);
    if (temporary) rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(bootstrap, exited);
  } catch (err) {
    await stop();
    throw err;
  }
  return { bootstrap, version, pid: child.pid, exited, stop };
}

/** 16 random bytes in URL-safe base64, as Kafka's own ids, never starting with '-': the storage tool would read that as an option. */
export function kraftClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(p: { port: number; controllerPort: number; logDir: string; partitions: number }): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${p.controllerPort}
listeners=PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${p.port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${p.logDir}
num.partitions=${p.partitions}
# Like Redpanda in production: topics are created on purpose, never by a typo.
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
`;
}

async function waitUntilReady(bootstrap: string, exited: Promise<number | null>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new FleetlakeError('BROKER_UNAVAILABLE', { detail: `the local broker exited with code ${exitCode} while starting` });
    try {
      await probeKafka([bootstrap]);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new FleetlakeError('BROKER_UNAVAILABLE', { detail: `the local broker on ${bootstrap} did not become ready within ${timeoutMs / 1000}s` });
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
