import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../core/config.ts';
import { createSilentLogger } from '../../core/logger.ts';
import { openTestLake, type TestLake } from '../../test-support/lake.ts';
import { buildApp } from '../app.ts';
import { checkLakeSchema } from '../lake-check.ts';
import type { BackfillOptions } from '../../generator/index.ts';
import { loadGeneratedPositions } from './generated-positions.ts';

export interface ApiTestLake {
  readonly lake: TestLake;
  readonly app: FastifyInstance;
  /** The generated period: [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  /** The API's clock: one minute after the generated period. */
  readonly nowMs: number;
  readonly rows: number;
  /** The generator's options that produced the rows, so tests can recompute expectations without ClickHouse. */
  readonly generated: BackfillOptions;
  /** Another app on the same lake, e.g. with other api.* settings. */
  buildApp(apiOverrides: Record<string, unknown>): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export interface ApiTestLakeOptions {
  readonly vehicles: number;
  readonly hours: number;
  readonly intervalMs?: number;
  readonly seed?: number;
  readonly api?: Record<string, unknown>;
}

/** A fixed start, so generated data and expectations are the same on every run. */
export const TEST_START_MS = Date.parse('2025-03-03T06:00:00Z');

/**
 * An embedded test lake holding the generator's fleet over a few hours, with
 * the default districts, and the query API built on it with a fixed clock.
 */
export async function openApiTestLake(options: ApiTestLakeOptions): Promise<ApiTestLake> {
  const lake = await openTestLake(options.api ? { api: options.api } : {});
  const fromMs = TEST_START_MS;
  const toMs = fromMs + options.hours * 3_600_000;
  const nowMs = toMs + 60_000;
  const generated: BackfillOptions = { vehicles: options.vehicles, seed: options.seed ?? 7, fromMs, toMs, intervalMs: options.intervalMs ?? 15_000 };
  const { rows } = await loadGeneratedPositions(lake.ch.client, generated);
  await checkLakeSchema(lake.ch.client);
  const build = (config = lake.config) => buildApp({ clickhouse: lake.ch, config, logger: createSilentLogger(), now: () => nowMs });
  const app = await build();
  const others: FastifyInstance[] = [];
  return {
    lake,
    app,
    fromMs,
    toMs,
    nowMs,
    rows,
    generated,
    async buildApp(apiOverrides) {
      // Through loadConfig, so overrides are parsed and checked as a fleetlake.yaml would be.
      const config = loadConfig({ env: {}, overrides: { clickhouse: { data_dir: lake.dataDir }, api: { ...options.api, ...apiOverrides } } });
      const other = await build(config);
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await app.close();
      await lake.dispose();
    },
  };
}
