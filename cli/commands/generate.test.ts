import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaClient } from '../../core/kafka-client.ts';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parsePosition } from '../../core/position.ts';
import { backfillMessages } from '../../generator/index.ts';
import { captureStream } from '../../test-support/run-fleetlake.ts';
import { runCli } from '../run.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetlake-generate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ENV = { FLEETLAKE_LOG_LEVEL: 'silent', PATH: process.env.PATH ?? '' };

const capture = captureStream;

async function generate(args: string[], env: NodeJS.ProcessEnv = ENV): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture(), stderr = capture();
  // A bound on every run, so a flag that wrongly parses cannot leave a live run going.
  const code = await runCli(['generate', ...args], { env, stdout, stderr, stopSignal: AbortSignal.timeout(20_000) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('fleetlake generate', () => {
  it('prints 300 x 720 valid NDJSON positions for an hour of 300 vehicles and exits 0 (real CLI entry)', async () => {
    const args = ['bin/fleetlake.js', 'generate', '--sink', 'stdout', '--vehicles', '300', '--from', '2026-11-02T08:00:00Z', '--to', '2026-11-02T09:00:00Z', '--seed', '7'];
    const child = spawn(process.execPath, args, { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const lines = Buffer.concat(out).toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(300 * 720);
    const invalid = lines.filter((line) => !parsePosition(line).ok);
    expect(invalid).toEqual([]);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { vehicle_id: string }).vehicle_id)).size).toBe(300);

    // The library call with the same seed gives the same bytes, and so does a file sink.
    const file = join(dir, 'hour.ndjson');
    const again = await generate(['--sink', `file:${file}`, '--vehicles', '300', '--from', '2026-11-02T08:00:00Z', '--duration', '1h', '--seed', '7']);
    expect(again.code).toBe(0);
    expect(readFileSync(file, 'utf8') === lines.join('\n') + '\n').toBe(true);
  });

  it('explains every option in --help', async () => {
    const { code, stdout } = await generate(['--help']);
    expect(code).toBe(0);
    for (const flag of ['--vehicles', '--interval', '--duration', '--from', '--to', '--seed', '--sink', '--districts', '--instance', '--instances',
      '--cross-district-share', '--gps-noise-m', '--mix', '--duplicate-share', '--late-share', '--malformed-share', '--batch-size', '--compression',
      '--records-per-packet', '--ack-timeout', '--devices-csv']) {
      expect(stdout).toContain(flag);
    }
  });

  it.each([
    [['--vehicles', 'abc'], '--vehicles must be a whole number from 1 to 10000000, not "abc"'],
    [['--vehicles', '0'], '--vehicles must be a whole number'],
    [['--interval', '5x'], '--interval must be a duration'],
    [['--interval', '500ms'], '--interval 500ms must be from 1s to 1h'],
    [['--duration', 'soon'], '--duration must be a duration'],
    [['--from', 'yesterday', '--duration', '1h'], '--from must be an ISO 8601 time'],
    [['--from', '2026-11-02T08:00:00Z', '--to', '2026-11-31'], '--to must be an ISO 8601 time'],
    [['--to', '2026-11-02T08:00:00Z'], '--to needs --from'],
    [['--from', '2026-11-02T08:00:00Z'], '--from needs --to or --duration'],
    [['--from', '2026-11-02T08:00:00Z', '--to', '2026-11-02T09:00:00Z', '--duration', '1h'], 'give --to or --duration with --from, not both'],
    [['--from', '2026-11-02T09:00:00Z', '--to', '2026-11-02T08:00:00Z'], '--to 2026-11-02T08:00:00Z must be after --from'],
    [['--seed=-1'], '--seed must be a whole number from 0 to 4294967295, not "-1"'],
    [['--seed', '-1'], "Option '--seed' argument is ambiguous"],
    [['--sink', 'ftp'], '--sink must be kafka, stdout, null, file:PATH, teltonika://HOST:PORT, gt06://HOST:PORT or osmand://HOST:PORT, not "ftp"'],
    [['--sink', 'teltonika://host'], 'not "teltonika://host"'],
    [['--records-per-packet', '5'], '--records-per-packet only applies to a device sink'],
    [['--sink', 'teltonika://127.0.0.1:5027', '--records-per-packet', '256'], '--records-per-packet must be a whole number from 1 to 255'],
    [['--sink', 'gt06://127.0.0.1:5023', '--ack-timeout', 'soon'], '--ack-timeout must be a duration'],
    [['--instance', '2', '--instances', '2'], '--instance 2 must be below --instances 2'],
    [['--instances', '0'], '--instances must be a whole number from 1'],
    [['--cross-district-share', '1.5'], '--cross-district-share must be a number from 0 to 1'],
    [['--gps-noise-m', '1000'], '--gps-noise-m must be a number from 0 to 100'],
    [['--mix', 'car:fast'], '--mix: the weight of car must be a number'],
    [['--mix', 'boat:1'], '--mix: "boat:1" is not TYPE:WEIGHT'],
    [['--duplicate-share=-0.1'], '--duplicate-share must be a number from 0 to 1'],
    [['--late-share', '1'], '--late-share must be a number from 0 to 0.99'],
    [['--malformed-share', 'x'], '--malformed-share must be a number from 0 to 1'],
    [['--batch-size', '0'], '--batch-size must be a whole number from 1'],
    [['--compression', 'brotli'], '--compression must be one of none, gzip, snappy, lz4, zstd, not "brotli"'],
    [['--districts', '/nonexistent/city.geojson'], 'districts file /nonexistent/city.geojson'],
    [['--workers', '0'], '--workers must be a whole number from 1 to 64, not "0"'],
    [['--workers', '2', '--sink', 'stdout'], '--workers 2 needs --sink null or kafka: into stdout, lines of several workers would interleave'],
    [['--workers', '2', '--sink', 'gt06://127.0.0.1:5023'], "--workers 2 needs --sink null or kafka: a device sink keeps each tracker's connection in this thread"],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with an error naming the flag', async (args, message) => {
    const { code, stderr, stdout } = await generate(args.includes('--sink') ? args : [...args, '--sink', 'null']);
    expect(stderr).toContain(message);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('shows a progress bar on stderr during a backfill only when stderr is a terminal', async () => {
    const args = ['generate', '--sink', 'null', '--vehicles', '50', '--from', '2026-11-02T08:00:00Z', '--duration', '30m'];
    const tty = Object.assign(capture(), { isTTY: true });
    expect(await runCli(args, { env: ENV, stdout: capture(), stderr: tty })).toBe(0);
    expect(tty.text()).toMatch(/^\r\[/);
    expect(tty.text()).toMatch(/\r\[#+\] 100% {2}18,000 msgs {2}[\d,]+\/s {2}ETA 0:00.\[K\n$/);
    const pipe = capture();
    expect(await runCli(args, { env: ENV, stdout: capture(), stderr: pipe })).toBe(0);
    expect(pipe.text()).toBe('');
  });

  it('takes defaults from the generator config section', async () => {
    const { code, stdout } = await generate(['--from', '2026-11-02T08:00:00Z', '--duration', '10s'], { ...ENV, FLEETLAKE_GENERATOR_VEHICLES: '4', FLEETLAKE_GENERATOR_INTERVAL: '10s' });
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(4);
  });

  it('says the kafka sink needs KAFKA_BROKERS when none is configured', async () => {
    const { code, stderr } = await generate(['--sink', 'kafka', '--vehicles', '2', '--duration', '1s']);
    expect(code).toBe(1);
    expect(stderr).toContain('BROKER_UNAVAILABLE');
    expect(stderr).toContain('KAFKA_BROKERS (config kafka.brokers)');
  });

  it('--workers 2 into Kafka sends exactly what one thread sends, each vehicle in order', async () => {
    const topic = `generate-cli-${randomUUID()}`;
    const brokers = inject('kafkaBrokers');
    const env = { ...ENV, KAFKA_BROKERS: brokers.join(','), FLEETLAKE_TOPIC: topic, FLEETLAKE_TOPIC_PARTITIONS: '3' };
    const fromMs = Date.parse('2026-11-02T08:00:00Z');
    const { code, stderr } = await generate(['--sink', 'kafka', '--vehicles', '30', '--from', '2026-11-02T08:00:00Z', '--duration', '2m', '--seed', '5', '--workers', '2'], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const expected = groupByKey(backfillMessages({ vehicles: 30, seed: 5, fromMs, toMs: fromMs + 120_000 }));
    const total = [...expected.values()].reduce((n, values) => n + values.length, 0);
    const received: { key: string; value: string }[] = [];
    const consumer = createKafkaClient({ brokers, clientId: 'generate-cli-test' }).consumer({ groupId: `generate-cli-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          received.push({ key: message.key!.toString(), value: message.value!.toString() });
          if (received.length === total) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(groupByKey(received)).toEqual(expected);
  });

  it('produces to the configured topic, created with kafka.partitions', async () => {
    const topic = `generate-cli-${randomUUID()}`;
    const brokers = inject('kafkaBrokers');
    const env = { ...ENV, KAFKA_BROKERS: brokers.join(','), FLEETLAKE_TOPIC: topic, FLEETLAKE_TOPIC_PARTITIONS: '2' };
    const { code, stderr } = await generate(['--sink', 'kafka', '--vehicles', '20', '--from', '2026-11-02T08:00:00Z', '--duration', '1m', '--seed', '3'], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const admin = createKafkaClient({ brokers, clientId: 'generate-cli-test' }).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    expect(offsets).toHaveLength(2);
    expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(20 * 12);
  });
});

/** Values per key, in the order they came: what a consumer of one vehicle sees. */
function groupByKey(messages: Iterable<{ key: string; value: string }>): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const m of messages) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m.value]);
  return new Map([...byKey].sort(([a], [b]) => a.localeCompare(b)));
}
