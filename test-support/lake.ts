import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClickHouse, type ClickHouse } from '../core/clickhouse.ts';
import { loadConfig, type FleetlakeConfig } from '../core/config.ts';
import { migrate } from '../schema/migrate.ts';

export interface TestLake {
  readonly ch: ClickHouse;
  readonly config: FleetlakeConfig;
  readonly dataDir: string;
  /** Closes the engine and removes the data directory. */
  dispose(): Promise<void>;
}

/**
 * A migrated embedded lake in a fresh temporary directory. One per test file:
 * the engine is one per process, and vitest runs each file in its own process.
 */
export async function openTestLake(overrides: Record<string, Record<string, unknown>> = {}): Promise<TestLake> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetlake-test-'));
  const config = loadConfig({ env: {}, overrides: { ...overrides, clickhouse: { ...overrides.clickhouse, data_dir: dataDir } } });
  const ch = openClickHouse(config);
  await migrate(ch.client, config);
  return {
    ch,
    config,
    dataDir,
    async dispose() {
      await ch.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
