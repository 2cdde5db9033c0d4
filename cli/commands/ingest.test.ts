import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePosition } from '../../core/position.ts';
import { runFleetlake } from '../../test-support/run-fleetlake.ts';

/** `fleetlake ...` in this process, with no Prometheus port of its own. */
const fleetlake = (argv: string[], env: Record<string, string> = {}) => runFleetlake(argv, { FLEETLAKE_INGEST_METRICS_PORT: '0', ...env });

describe('fleetlake ingest', () => {
  let dir: string;
  let lakeEnv: Record<string, string>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleetlake-ingest-cli-'));
    lakeEnv = { FLEETLAKE_DATA_DIR: join(dir, 'lake') };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('explains itself with --help', async () => {
    const { code, stdout } = await fleetlake(['ingest', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: fleetlake ingest [--source kafka|file:PATH] [--group G]');
  });

  it('refuses a source it does not know, and flags that do not fit the source', async () => {
    expect(await fleetlake(['ingest', '--source', 'ftp://x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--source ftp://x is not a source: use kafka or file:PATH') });
    expect(await fleetlake(['ingest', '--source', 'file:'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--source file: is not a source') });
    expect(await fleetlake(['ingest', '--format', 'xml', '--source', 'file:a.csv'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--format xml: use ndjson or csv') });
    expect(await fleetlake(['ingest', '--group', 'g', '--source', 'file:a.csv'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--group only applies to --source kafka') });
  });

  it('says a broker is needed when the kafka source has none configured', async () => {
    const { code, stderr } = await fleetlake(['ingest'], lakeEnv);
    expect(code).toBe(1);
    expect(stderr).toContain('INGEST_NO_BROKER: the kafka source needs a broker: set KAFKA_BROKERS');
  });

  it('names an unreadable file', async () => {
    const missing = join(dir, 'nope.ndjson');
    const { code, stderr } = await fleetlake(['ingest', '--source', `file:${missing}`], lakeEnv);
    expect(code).toBe(1);
    expect(stderr).toContain(`INGEST_FILE_UNREADABLE: cannot read ${missing}: no such file`);
    expect((await fleetlake(['ingest', '--source', `file:${dir}`], lakeEnv)).stderr).toContain('not a regular file');
  });

  it('names what is wrong with a CSV header', async () => {
    const missing = file('missing.csv', 'vehicle_id,ts,lat,lon\nv-1,2026-01-01T00:00:00Z,45.5,-73.5\n');
    expect((await fleetlake(['ingest', '--source', `file:${missing}`], lakeEnv)).stderr).toContain(
      'INGEST_FILE_INVALID: ' + missing + ': bad CSV header: missing columns speed_kmh, heading_deg',
    );
    const unknown = file('unknown.csv', 'vehicle_id,ts,lat,lon,speed_kmh,heading_deg,altitude\n');
    expect((await fleetlake(['ingest', '--source', `file:${unknown}`], lakeEnv)).stderr).toContain('bad CSV header: unknown column "altitude"');
    const twice = file('twice.txt', 'vehicle_id,ts,lat,lat,lon,speed_kmh,heading_deg\n');
    expect((await fleetlake(['ingest', '--source', `file:${twice}`], lakeEnv)).stderr).toContain('bad CSV header: column "lat" appears twice');
  });

  it('asks for a migration on a lake without the ingest tables, then imports a file once', async () => {
    const ts = Date.now() - 60_000;
    const lines = Array.from({ length: 50 }, (_, i) => encodePosition({ vehicle_id: `v-${i}`, ts_ms: ts + i, lat: 45.5, lon: -73.6, speed_kmh: 10, heading_deg: 1, vehicle_type: 'car' }));
    const path = file('fleet.jsonl', [...lines, '{"broken'].join('\n'));

    const unmigrated = await fleetlake(['ingest', '--source', `file:${path}`], lakeEnv);
    expect(unmigrated.code).toBe(1);
    expect(unmigrated.stderr).toContain("INGEST_LAKE_NOT_READY: the lake at");
    expect(unmigrated.stderr).toContain("run 'fleetlake migrate' first");

    expect((await fleetlake(['migrate'], lakeEnv)).code).toBe(0);
    const first = await fleetlake(['ingest', '--source', `file:${path}`], lakeEnv);
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('50 positions inserted, 1 rejected (see fleet.ingest_rejects)') });
    const again = await fleetlake(['ingest', '--source', `file:${path}`], lakeEnv);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('was already imported') });
  });
});
