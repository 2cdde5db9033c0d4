import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, queryRows, type ClickHouse } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { buildApp } from '../queries/app.ts';
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

  it('decodes parameters as a server does, so quotes, tabs, backslashes and escaped bytes arrive as sent', async () => {
    const sent = "it's a\ttab, a \\ backslash, a \n newline and a \"quote\"";
    const rows = await queryRows<{ x: string }>(remote.client, 'SELECT {x:String} AS x', { x: sent });
    expect(rows).toEqual([{ x: sent }]);
    const raw = await fetch(`${endpoint.url}/?query=${encodeURIComponent('SELECT {x:String}')}&param_x=${encodeURIComponent('\\x41\\\'b')}&default_format=TSVRaw`);
    expect(await raw.text()).toBe("A'b\n");
  });

  it('refuses writes, with the server error a client can type', async () => {
    const error = await remote.client.command({ query: 'DROP TABLE fleet.positions' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '164', type: 'READONLY' });
    const [count] = await queryRows<{ n: string }>(lake.ch.client, 'SELECT count() AS n FROM fleet.positions');
    expect(count?.n).toBe('1');
  });

  it('explains a read (the API estimates area queries with EXPLAIN ESTIMATE) but not a write', async () => {
    const explain = 'EXPLAIN ESTIMATE SELECT vehicle_id FROM fleet.positions WHERE vehicle_id = {v:String}';
    const remoteEstimate = await queryRows(remote.client, explain, { v: 'v-00001' });
    expect(remoteEstimate).toEqual(await queryRows(lake.ch.client, explain, { v: 'v-00001' }));
    const error = await remote.client.command({ query: 'EXPLAIN ESTIMATE INSERT INTO fleet.positions SELECT * FROM fleet.positions' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '164', type: 'READONLY' });
  });

  it('serves `fleetlake sql` pointed at it with CLICKHOUSE_URL, in any format', async () => {
    const { code, stdout: out } = await runFleetlake(['sql', '--format', 'CSVWithNames', 'SELECT vehicle_id, vehicle_type FROM fleet.positions'], { CLICKHOUSE_URL: endpoint.url });
    expect(code).toBe(0);
    expect(out).toBe('"vehicle_id","vehicle_type"\n"v-00001","van"\n');
  });

  it('serves the query API pointed at it with CLICKHOUSE_URL, whose queries carry their limits in a SETTINGS clause', async () => {
    const config = loadConfig({ env: { CLICKHOUSE_URL: endpoint.url } });
    const app = await buildApp({ clickhouse: remote, config });
    try {
      const districts = await app.inject({ method: 'GET', url: '/v1/districts' });
      expect(districts.statusCode, districts.body).toBe(200);
      const latest = await app.inject({ method: 'GET', url: '/v1/vehicles/latest' });
      expect(latest.json<{ vehicles: { vehicle_id: string }[] }>().vehicles.map((v) => v.vehicle_id)).toEqual(['v-00001']);
    } finally {
      await app.close();
    }
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

  it('refuses url() and every other table function that reaches outside the lake, wherever it hides, without fetching', async () => {
    let fetched = 0;
    const bait = createServer((_req, res) => {
      fetched++;
      res.end('a\n');
    });
    await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', () => resolve()));
    const baitUrl = `http://127.0.0.1:${(bait.address() as AddressInfo).port}/x.csv`;
    try {
      const statements = [
        `SELECT * FROM url('${baitUrl}', CSV, 'a String')`,
        `SELECT count() FROM fleet.positions WHERE vehicle_id IN (SELECT a FROM url('${baitUrl}', CSV, 'a String'))`,
        `SELECT 1 FROM fleet.positions AS p JOIN url('${baitUrl}', CSV, 'a String') AS u ON 1`,
        `SELECT 1 UNION ALL SELECT 1 FROM url('${baitUrl}', CSV, 'a String')`,
        "SELECT * FROM s3('http://127.0.0.1:1/b/k.csv')",
        "SELECT * FROM file('/etc/passwd', LineAsString)",
        "SELECT * FROM remote('127.0.0.1:9000', system.one)",
        "SELECT * FROM executable('x.sh', CSV, 'a String')",
        "SELECT * FROM mysql('127.0.0.1:3306', 'db', 't', 'u', 'p')",
      ];
      for (const statement of statements) {
        const r = await fetch(`${endpoint.url}/`, { method: 'POST', body: statement });
        expect(r.status, statement).toBe(403);
        expect(await r.text(), statement).toMatch(/^Code: 497\. DB::Exception: table function (url|s3|file|remote|executable|mysql) is refused: this interface reads the lake and nothing outside it \(ACCESS_DENIED\)/);
      }
      const error = await remote.client.query({ query: `SELECT * FROM url('${baitUrl}', CSV, 'a String')` }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '497', type: 'ACCESS_DENIED' });
      expect(fetched).toBe(0);
      expect(await (await fetch(`${endpoint.url}/?query=${encodeURIComponent('SELECT sum(number) FROM numbers(10)')}`)).text()).toBe('45\n');
    } finally {
      await new Promise((resolve) => bait.close(resolve));
    }
  });

  it('runs one statement only, refuses SET, SETTINGS inside a statement and INTO OUTFILE, and keeps URL and final SETTINGS under the reader ceilings', async () => {
    const post = async (body: string, query = '') => {
      const r = await fetch(`${endpoint.url}/${query}`, { method: 'POST', body });
      return { status: r.status, text: await r.text() };
    };
    expect(await post('SELECT 1; SELECT 2')).toMatchObject({ status: 500, text: expect.stringMatching(/^Code: 62\..*Multi-statements are not allowed/) as string });
    expect(await post('SELECT 1 # c\n; SELECT 2')).toMatchObject({ status: 500 });
    expect((await post('SET max_execution_time = 0')).text).toMatch(/^Code: 497\. DB::Exception: SET, and SETTINGS anywhere but at the end of the statement, are refused here/);
    expect((await post('SELECT count() FROM numbers(10) SETTINGS max_execution_time = 0')).text).toMatch(/^Code: 452\. .*setting max_execution_time = 0 is outside this interface's limit/);
    expect((await post('SELECT * FROM (SELECT 1 SETTINGS max_execution_time = 0)')).text).toMatch(/^Code: 497\. /);
    expect((await post('SELECT 1 AS x UNION ALL SELECT 2 SETTINGS max_execution_time = 5', '?default_format=TSV')).status).toBe(200);
    expect(await post("SELECT getSetting('max_execution_time'), getSetting('timeout_overflow_mode') SETTINGS max_execution_time = 5, timeout_overflow_mode = 'break'", '?max_execution_time=7')).toEqual({ status: 200, text: '5\tbreak\n' });
    expect(await post("SELECT getSetting('readonly') SETTINGS readonly = 0")).toEqual({ status: 200, text: '2\n' });
    expect((await post('SHOW TABLES FROM fleet SETTINGS max_execution_time = 0')).text).toMatch(/^Code: 452\. /);
    expect((await post("SHOW TABLES FROM fleet SETTINGS max_execution_time = 5, log_comment = 'a b'")).text).toMatch(/^Code: 497\. /);
    expect((await post('DESCRIBE TABLE fleet.positions SETTINGS max_execution_time = 5')).status).toBe(200);
    expect((await post("SELECT 1 INTO OUTFILE '/tmp/fleetlake-outfile.csv'")).text).toMatch(/INTO OUTFILE is refused/);
    const unlimited = await post('SELECT 1', '?max_execution_time=0');
    expect(unlimited).toEqual({ status: 403, text: "Code: 452. DB::Exception: setting max_execution_time = 0 is outside this interface's limit: give 1 to 60 (SETTING_CONSTRAINT_VIOLATION) (embedded fleetlake)\n" });
    expect((await post('SELECT 1', '?max_memory_usage=100000000000')).status).toBe(403);
    expect(await post('SELECT getSetting(\'max_execution_time\')', '')).toEqual({ status: 200, text: '60\n' });
    expect(await post('SELECT number FROM numbers(10)', '?max_result_rows=5&result_overflow_mode=break')).toMatchObject({ status: 200 });
    const capped = await post('SELECT number FROM numbers(2000000)');
    expect(capped.text).toMatch(/^Code: 396\..*TOO_MANY_ROWS_OR_BYTES/);
  });
});
