import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { FleetlakeError } from '../core/errors.ts';
import type { KafkaCompression } from '../core/kafka-codecs.ts';
import { ensureKafka, kafkaVersion } from './fetch-kafka.ts';

const SOURCE = fileURLToPath(new URL('./line-producer/LineProducer.java', import.meta.url));

export interface LineProducerOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly compression: KafkaCompression;
  /** Where the lines come from; 'pipe' = written to the returned stdin. */
  readonly input: Readable | 'pipe';
}

export interface LineProducer {
  /** Present when input is 'pipe'; end it to let the producer flush and exit. */
  readonly stdin: Writable | null;
  /** Resolves with the number of lines sent once every one is acknowledged; rejects with the producer's output otherwise. */
  readonly done: Promise<number>;
}

/** Starts broker/line-producer/LineProducer.java, compiled once per Kafka version against that version's client jars. */
export function startLineProducer(options: LineProducerOptions): LineProducer {
  const libs = ensureKafka();
  const classes = compiled(libs);
  const child = spawn('java', ['-cp', `${classes}:${libs}/*`, 'LineProducer', options.brokers.join(','), options.topic], {
    env: { ...process.env, COMPRESSION: options.compression },
    stdio: [options.input, 'ignore', 'pipe'],
  });
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const sent = /sent (\d+)/.exec(output.join(''));
      if (code === 0 && sent) resolve(Number(sent[1]));
      else reject(new Error(`LineProducer exited with ${code}: ${output.join('').slice(-2000)}`));
    });
  });
  return { stdin: options.input === 'pipe' ? child.stdin : null, done };
}

function compiled(libs: string): string {
  const classes = join(tmpdir(), `fleetlake-line-producer-${kafkaVersion()}`);
  if (existsSync(join(classes, 'LineProducer.class'))) return classes;
  // Compiled aside and renamed into place, so a process compiling at the same time never sees half a class directory.
  const staging = mkdtempSync(`${classes}-`);
  const result = spawnSync('javac', ['-cp', `${libs}/*`, '-d', staging, SOURCE], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new FleetlakeError('JAVA_MISSING', { detail: `compiling the Java line producer failed (exit ${result.status}); it needs a JDK 17 (javac): ${result.stderr}` });
  }
  try {
    renameSync(staging, classes);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return classes;
}
