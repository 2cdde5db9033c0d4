import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFleetlake } from '../../test-support/run-fleetlake.ts';

describe('fleetlake migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlake-migrate-cli-'));
  const lake = join(dir, 'lake');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the one-node DDL without touching any lake', async () => {
    const { code, stdout } = await runFleetlake(['migrate', '--print'], { FLEETLAKE_DATA_DIR: lake });
    expect(code).toBe(0);
    expect(stdout).toContain('-- fleetlake schema for one node');
    expect(stdout).toContain('CREATE TABLE IF NOT EXISTS fleet.positions\n(');
    expect(stdout).not.toContain('ON CLUSTER');
    expect((await runFleetlake(['sql', 'EXISTS fleet.positions'], { FLEETLAKE_DATA_DIR: lake })).stdout.trim()).toBe('0');
  });

  it('prints the cluster DDL when clickhouse.cluster is set, with no server to reach', async () => {
    const { code, stdout } = await runFleetlake(['migrate', '--print'], { FLEETLAKE_CLICKHOUSE_CLUSTER: 'fleetlake' });
    expect(code).toBe(0);
    expect(stdout).toContain('CREATE TABLE IF NOT EXISTS fleet.positions ON CLUSTER fleetlake AS fleet.positions_local');
  });

  it('refuses a cluster on the embedded engine, saying what to set', async () => {
    const { code, stderr } = await runFleetlake(['migrate'], { FLEETLAKE_CLICKHOUSE_CLUSTER: 'fleetlake', FLEETLAKE_DATA_DIR: lake });
    expect(code).toBe(1);
    expect(stderr).toContain('CONFIG_INVALID: config: clickhouse.cluster = fleetlake needs a ClickHouse server of that cluster in clickhouse.url (CLICKHOUSE_URL)');
  });

  it('refuses a cluster name that is not an identifier', async () => {
    const { code, stderr } = await runFleetlake(['migrate', '--print'], { FLEETLAKE_CLICKHOUSE_CLUSTER: 'a; DROP' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('clickhouse.cluster = "a; DROP" (from environment variable FLEETLAKE_CLICKHOUSE_CLUSTER) is not allowed');
  });
});
