import { createRandom, type Random } from '../generator/prng.ts';

/**
 * The seed of a randomised test: FLEETLAKE_TEST_SEED when set (to replay a
 * failure), else a fresh one. It is printed either way, so a failing run
 * always says how to reproduce it.
 */
export function seededRandom(label: string): { seed: number; random: Random } {
  const fromEnv = process.env.FLEETLAKE_TEST_SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
  process.stderr.write(`[${label}] seed ${seed} (replay with FLEETLAKE_TEST_SEED=${seed})\n`);
  return { seed, random: createRandom(seed) };
}
