import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, queryRows, type ClickHouse } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { runFleetlake } from '../test-support/run-fleetlake.ts';
import { openTestLake, type TestLake } from '../test-support/lake.ts';
import { startClickHouseHttp, type ClickHouseHttpEndpoint } from './clickhouse-http.ts';

describe('the ClickHouse HTTP interface of an embedded lake', () => {
  let lake: TestLake;
  let endpoint: ClickHouseHttpEndpoint;
  let remote: ClickHouse;

  beforeAll(async () => {
    lake = await openTestLake();
    await lake.ch.client.insert({
      table: 'fleet.positions',
      values: [{ vehicle_id: 'v-00001', ts: '2026-11-23 10:00:00.000', lat: 45.5, lon: -73.56, speed_kmh: 30, heading_deg: 90, vehicle_type: 'van' }],
      format: 'JSONEachRow',
    });
    endpoint = await startClickHouseHttp(lake.ch.client, { port: 0 });
    // Server mode of fleetlake's own ClickHouse access: HTTP, exactly as against a ClickHouse server.
    remote = openClickHouse(loadConfig({ env: { CLICKHOUSE_URL: endpoint.url } }));
  });

  afterAll(async () => {
    await remote.close();
    await endpoint.close();
    await lake.dispose();
  });

  it('answers pings and queries with parameters through @clickhouse/client in server mode', async () => {
    expect(await remote.client.ping()).toMatchObject({ success: true });
    const rows = await queryRows<{ vehicle_id: string; lat: number; cell: string }>(
      remote.client,
      'SELECT vehicle_id, toFloat64(lat) AS lat, h3ToString(h3_cell) AS cell FROM fleet.positions WHERE vehicle_id = {v:String}',
      { v: 'v-00001' },
    );
    expect(rows).toEqual([{ vehicle_id: 'v-00001', lat: 45.5, cell: '882baa46a3fffff' }]);
  });

  it('refuses writes, with the server error a client can type', async () => {
    const error = await remote.client.command({ query: 'DROP TABLE fleet.positions' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '164', type: 'READONLY' });
    const [count] = await queryRows<{ n: string }>(lake.ch.client, 'SELECT count() AS n FROM fleet.positions');
    expect(count?.n).toBe('1');
  });

  it('serves `fleetlake sql` pointed at it with CLICKHOUSE_URL, in any format', async () => {
    const { code, stdout: out } = await runFleetlake(['sql', '--format', 'CSVWithNames', 'SELECT vehicle_id, vehicle_type FROM fleet.positions'], { CLICKHOUSE_URL: endpoint.url });
    expect(code).toBe(0);
    expect(out).toBe('"vehicle_id","vehicle_type"\n"v-00001","van"\n');
  });

  it('answers plain HTTP as ClickHouse does, for curl and Grafana', async () => {
    const get = await fetch(`${endpoint.url}/?query=${encodeURIComponent('SELECT 1 + {n:UInt8}')}&param_n=41`);
    expect(await get.text()).toBe('42\n');
    const post = await fetch(`${endpoint.url}/?default_format=JSONEachRow`, { method: 'POST', body: 'SELECT 2 AS two' });
    expect(await post.text()).toBe('{"two":2}\n');
    expect(await (await fetch(`${endpoint.url}/ping`)).text()).toBe('Ok.\n');
    const bad = await fetch(`${endpoint.url}/`, { method: 'POST', body: 'SELEC 1' });
    expect(bad.status).toBe(500);
    expect(await bad.text()).toMatch(/^Code: 62\. DB::Exception: .*Syntax error/);
  });
});
