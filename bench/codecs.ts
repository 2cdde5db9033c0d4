/**
 * npm run bench:codecs
 *
 * What each Kafka compression costs and saves on generator positions, in the
 * record batches the generator's Kafka sink sends (500 messages of one
 * partition per request): CPU microseconds per position to compress and to
 * decompress (CPU time, so a busy machine does not skew it), and bytes per
 * position on the wire and on the broker's disk. The generator's default
 * compression is chosen from these figures (docs/ingest.md).
 */
import { KAFKA_COMPRESSIONS } from '../core/kafka-codecs.ts';
import { gzipCodec, lz4Codec, snappyCodec, zstdCodec } from '../core/kafka-codecs.ts';
import { backfillMessages } from '../generator/index.ts';
import { describeMachine } from './machine.ts';

const BATCH = 500;
const ROUNDS = 3;
const codecs = { gzip: gzipCodec, snappy: snappyCodec, lz4: lz4Codec, zstd: zstdCodec };

/** Record-batch payloads as Kafka frames them: per record a length, key and value (headers and varints left out: a few bytes). */
function batches(): Buffer[] {
  const messages = [...backfillMessages({ vehicles: 500, seed: 1, fromMs: Date.parse('2026-11-02T08:00:00Z'), toMs: Date.parse('2026-11-02T08:05:00Z'), intervalMs: 5000 })];
  const out: Buffer[] = [];
  for (let i = 0; i < messages.length; i += BATCH) {
    out.push(Buffer.concat(messages.slice(i, i + BATCH).flatMap((m) => [Buffer.from(m.key), Buffer.from(m.value)])));
  }
  return out;
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

async function main(): Promise<void> {
  const payloads = batches();
  const positions = payloads.length * BATCH;
  const raw = payloads.reduce((n, b) => n + b.length, 0);
  console.log(`machine: ${describeMachine()}`);
  console.log(`${positions.toLocaleString('en')} generator positions in ${payloads.length} batches of ${BATCH}; best of ${ROUNDS} rounds\n`);
  console.log('codec   bytes/position  ratio  compress µs/position  decompress µs/position');
  console.log(`none    ${(raw / positions).toFixed(1).padStart(14)}  ${'1.00'.padStart(5)}  ${'0'.padStart(20)}  ${'0'.padStart(22)}`);
  for (const name of KAFKA_COMPRESSIONS.filter((c) => c !== 'none')) {
    const codec = codecs[name];
    let compressed: Buffer[] = [];
    let best = { compress: Infinity, decompress: Infinity };
    for (let round = 0; round < ROUNDS; round++) {
      let at = cpuMicros();
      compressed = [];
      for (const buffer of payloads) compressed.push(await codec.compress({ buffer }));
      const compress = cpuMicros() - at;
      at = cpuMicros();
      for (const buffer of compressed) await codec.decompress(buffer);
      const decompress = cpuMicros() - at;
      best = { compress: Math.min(best.compress, compress), decompress: Math.min(best.decompress, decompress) };
    }
    const bytes = compressed.reduce((n, b) => n + b.length, 0);
    console.log(
      `${name.padEnd(6)}  ${(bytes / positions).toFixed(1).padStart(14)}  ${(raw / bytes).toFixed(2).padStart(5)}  ${(best.compress / positions).toFixed(2).padStart(20)}  ${(best.decompress / positions).toFixed(2).padStart(22)}`,
    );
  }
}

await main();
