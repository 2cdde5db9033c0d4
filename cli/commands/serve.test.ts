import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMED_SQL_DIR } from '../../queries/named-sql.ts';
import { captureStream, runFleetlake } from '../../test-support/run-fleetlake.ts';
import { runCli } from '../run.ts';

/**
 * The query API's commands end to end on one embedded data directory, in
 * order: serve refuses an unmigrated lake, districts load/list, migrate loads
 * the default districts and serve answers real HTTP, keys create/list/revoke
 * with serve asking for them, area-cells feeds `fleetlake sql --file`.
 */
describe('fleetlake serve, districts and area-cells', () => {
  let dir: string;
  const files = mkdtempSync(join(tmpdir(), 'fleetlake-cli-files-'));

  const fleetlake = (...argv: string[]) => runFleetlake(argv, { FLEETLAKE_DATA_DIR: dir });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleetlake-cli-lake-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  it('serve refuses a lake without the schema, saying to migrate', async () => {
    const result = await fleetlake('serve', '--port', '0');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('API_SCHEMA_MISSING: the lake has no fleet.positions, fleet.latest_positions, fleet.presence_hourly, fleet.presence_daily, fleet.districts, fleet.api_keys: run `fleetlake migrate` first');
    expect((await fleetlake('serve', '--port', '70000')).stderr).toContain('--port 70000 is not a port number');
  });

  it('districts load replaces the districts from a GeoJSON file, and list shows them', async () => {
    const migrated = await fleetlake('migrate');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/loaded 16 default districts from .*montreal\.geojson/);
    expect((await fleetlake('districts', 'list')).stdout).toContain('d01\t');
    const city = join(files, 'city.geojson');
    const square = (x: number) => [[[x, 45], [x + 0.1, 45], [x + 0.1, 45.1], [x, 45.1], [x, 45]]];
    writeFileSync(
      city,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', id: 'north', properties: { name: 'North' }, geometry: { type: 'Polygon', coordinates: square(0) } },
          { type: 'Feature', properties: { id: 'south' }, geometry: { type: 'MultiPolygon', coordinates: [square(1), square(2)] } },
        ],
      }),
    );
    expect((await fleetlake('districts', 'load', city)).stdout).toBe(`loaded 2 districts from ${city} into fleet.districts\n`);
    expect((await fleetlake('districts', 'list')).stdout).toBe('north\tNorth\t5 vertices\nsouth\tsouth\t10 vertices\n');

    const broken = join(files, 'broken.geojson');
    writeFileSync(broken, JSON.stringify({ type: 'FeatureCollection', features: [{ id: 'x', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1]]] } }] }));
    const refused = await fleetlake('districts', 'load', broken);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('features[0].geometry.coordinates[0] has 2 positions');
    expect((await fleetlake('districts', 'list')).stdout).toContain('north\tNorth');
    expect((await fleetlake('districts', 'drop')).stderr).toContain('give an action, load or list, not "drop"');
  });

  it('migrate, not serve, loads the default districts into an empty table; serve answers over HTTP until stopped, saying auth is off', async () => {
    expect((await fleetlake('sql', 'TRUNCATE TABLE fleet.districts')).code).toBe(0);
    expect((await fleetlake('migrate')).stdout).toMatch(/loaded 16 default districts/);
    expect((await fleetlake('migrate')).stdout).toMatch(/^up to date/);
    const stop = new AbortController();
    const stdout = captureStream();
    const running = runCli(['serve', '--port', '0'], { env: { FLEETLAKE_DATA_DIR: dir, FLEETLAKE_LOG_LEVEL: 'silent' }, stdout, stopSignal: stop.signal });
    let address: string | undefined;
    for (let i = 0; i < 200 && !address; i++) {
      address = /fleetlake API on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout.text())?.[1];
      if (!address) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      expect(address).toBeDefined();
      expect(stdout.text()).toContain('API authentication is off (api.auth, loopback only)');
      expect(await (await fetch(`${address}/health`)).json()).toMatchObject({ status: 'ok', clickhouse: { reachable: true } });
      const districts = (await (await fetch(`${address}/v1/districts`)).json()) as { districts: unknown[] };
      expect(districts.districts).toHaveLength(16);
      const answer = await fetch(`${address}/v1/area-query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ area: { district_id: 'd01' }, from: '2025-01-01T00:00:00Z', to: '2025-01-01T01:00:00Z' }),
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ vehicles: [], truncated: false });
    } finally {
      stop.abort();
    }
    expect(await running).toBe(0);
  });

  it('keys create prints a key once, which serve with api.auth = required takes; list shows it; revoke ends it', async () => {
    const created = await fleetlake('keys', 'create', '--name', 'ops', '--scopes', 'read,live', '--expires', '90d');
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^flk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/created API key ops \([0-9a-f]{16}\) with scopes read,live; it is shown only this once/);
    const stored = await fleetlake('sql', 'SELECT hash, salt FROM fleet.api_keys');
    const secret = key.slice('flk_'.length + 16 + 1);
    expect(secret).toHaveLength(43);
    expect(stored.stdout).not.toContain(secret);
    expect((await fleetlake('keys', 'create', '--name', 'ops', '--scopes', 'read')).stderr).toContain('an active API key is already named ops');
    expect((await fleetlake('keys', 'create', '--name', 'x', '--scopes', 'read,root')).stderr).toContain('create needs --scopes, a comma-separated list of read, live, devices, admin');
    expect((await fleetlake('keys', 'create', '--name', 'x', '--scopes', 'read', '--expires', 'soon')).stderr).toContain('--expires soon is not a lifetime');
    expect((await fleetlake('keys', 'list')).stdout).toMatch(/^ops\t[0-9a-f]{16}\tread,live\tunrestricted\t\S+\t\S+\tactive$/m);

    const stop = new AbortController();
    const stdout = captureStream();
    const running = runCli(['serve', '--port', '0'], { env: { FLEETLAKE_DATA_DIR: dir, FLEETLAKE_LOG_LEVEL: 'silent', FLEETLAKE_API_AUTH: 'required' }, stdout, stopSignal: stop.signal });
    let address: string | undefined;
    for (let i = 0; i < 200 && !address; i++) {
      address = /fleetlake API on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout.text())?.[1];
      if (!address) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      expect(stdout.text()).toContain('API keys required on /v1');
      expect((await fetch(`${address}/v1/districts`)).status).toBe(401);
      expect((await fetch(`${address}/v1/districts`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    } finally {
      stop.abort();
    }
    expect(await running).toBe(0);

    const keyFile = join(files, 'secrets', 'admin-api-key');
    expect((await fleetlake('migrate', '--admin-key-file', keyFile)).stdout).toContain(`created the admin API key; it is in ${keyFile}`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^flk_/);
    expect((await fleetlake('migrate', '--admin-key-file', keyFile)).stdout).not.toContain('created the admin API key');
    // An admin key exists: a deleted file brings no new one back.
    rmSync(keyFile);
    expect((await fleetlake('migrate', '--admin-key-file', keyFile)).stdout).not.toContain('created the admin API key');
    expect((await fleetlake('keys', 'list')).stdout).toMatch(/^admin\t[0-9a-f]{16}\tread,live,devices,admin\tunrestricted\t/m);

    expect((await fleetlake('keys', 'revoke', 'ops')).stdout).toMatch(/^revoked ops \([0-9a-f]{16}\)\n$/);
    expect((await fleetlake('keys', 'list')).stdout).toMatch(/^ops\t.*\trevoked$/m);
    const again = await fleetlake('keys', 'revoke', 'ops');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no active API key is named or has the id ops');
  });

  it('area-cells prints the parameters that run queries/sql/area-vehicles.sql with `fleetlake sql --file`', async () => {
    const area = join(files, 'area.geojson');
    writeFileSync(area, JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[-73.6, 45.5], [-73.58, 45.5], [-73.58, 45.52], [-73.6, 45.5]]] } }));
    const cells = await fleetlake('area-cells', area, '--for', 'fleetlake');
    expect(cells.code).toBe(0);
    const params = cells.stdout.trimEnd().split('\n');
    expect(params.filter((p) => p !== '--param').map((p) => p.split('=')[0])).toEqual(['polygons', 'interior_cells', 'boundary_cells']);
    expect(cells.stderr).toMatch(/\d+ res-8 cells, \d+ of them tested with pointInPolygon/);
    const result = await fleetlake(
      'sql', '--file', join(NAMED_SQL_DIR, 'area-vehicles.sql'), ...params,
      '--param', 'from=2025-01-01 00:00:00.000', '--param', 'to=2025-01-02 00:00:00.000',
      '--param', 'min_speed_kmh=5', '--param', 'vehicle_types=[]', '--param', 'limit=10', '--param', 'restrict_group=', '--param', 'restrict_area=[]',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const forClient = await fleetlake('area-cells', '--district', 'd01');
    expect(forClient.stdout).toMatch(/^--param_polygons=\[\[\[\(-73\.76,45\.42\),/);
    expect((await fleetlake('area-cells', '--district', 'nowhere')).stderr).toContain('district "nowhere" is not in fleet.districts');
  });
});
