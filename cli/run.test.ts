import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFleetlake } from '../test-support/run-fleetlake.ts';

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runFleetlake(argv, env);

describe('fleetlake CLI', () => {
  it('lists its commands', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/migrate\s+create or upgrade/);
    expect(stdout).toMatch(/sql\s+run SQL/);
  });

  it('names an unknown command and lists the real ones', async () => {
    const { code, stderr } = await run(['migrat']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "migrat"');
    expect(stderr).toContain('migrate');
  });

  it('names an unknown flag and points to the command help', async () => {
    const { code, stderr } = await run(['sql', '--formt', 'CSV', 'SELECT 1']);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--formt'");
    expect(stderr).toContain("fleetlake sql --help");
  });

  it('reports a bad configuration before touching the lake', async () => {
    const { code, stderr } = await run(['migrate'], { KAFKA_BROKERS: 'nohostport' });
    expect(code).toBe(1);
    expect(stderr).toContain('CONFIG_INVALID: config: kafka.brokers = "nohostport"');
  });

  it('migrates an empty lake, then runs SQL on it in any format and with parameters', async () => {
    const env = { FLEETLAKE_DATA_DIR: mkdtempSync(join(tmpdir(), 'fleetlake-cli-')) };
    const first = await run(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied 0001_positions.sql');
    expect((await run(['migrate'], env)).stdout).toMatch(/^up to date/);

    const key = await run(['sql', "SELECT sorting_key FROM system.tables WHERE database = 'fleet' AND name = 'positions'"], env);
    expect(key.stdout).toBe('h3_cell, toStartOfHour(ts), vehicle_id, ts\n');

    const json = await run(['sql', '--format', 'JSONEachRow', '--param', 'n=41', 'SELECT {n:UInt8} + 1 AS answer; SELECT 2 AS two FORMAT CSV'], env);
    expect(json.stdout).toBe('{"answer":42}\n2\n');

    const bad = await run(['sql', 'SELEC 1'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Syntax error');
  });

  it('refuses a --param without a name', async () => {
    const { code, stderr } = await run(['sql', '--param', '=5', 'SELECT 1'], { FLEETLAKE_DATA_DIR: mkdtempSync(join(tmpdir(), 'fleetlake-cli-')) });
    expect(code).toBe(2);
    expect(stderr).toContain('--param "=5" must look like name=value');
  });
});
