import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../core/clickhouse.ts';
import { openApiTestLake, type ApiTestLake } from './testing/api-lake.ts';
import type { AreaVehicle } from './testing/brute-force-area.ts';

type Vehicle = AreaVehicle;

/** POST /v1/area-query as CSV and Parquet: the JSON answer's vehicles as a table, read back by ClickHouse. */
describe('POST /v1/area-query as CSV and Parquet', () => {
  let t: ApiTestLake;
  let period: { from: string; to: string };
  const files = mkdtempSync(join(tmpdir(), 'fleetlake-summary-'));

  const ask = (body: Record<string, unknown>, options: { accept?: string; query?: string } = {}) =>
    t.app.inject({ method: 'POST', url: `/v1/area-query${options.query ?? ''}`, payload: { ...period, ...body }, headers: options.accept ? { accept: options.accept } : {} });

  /** The vehicles of a CSV or Parquet answer, decoded by ClickHouse, in the JSON answer's shape. */
  const decode = async (payload: Buffer, format: 'CSVWithNames' | 'Parquet') => {
    const file = join(files, `answer-${format}`);
    writeFileSync(file, payload);
    const rows = await queryRows<Vehicle>(
      t.lake.ch.client,
      `SELECT toString(vehicle_id) AS vehicle_id, toString(vehicle_type) AS vehicle_type,
              concat(replace(toString(toDateTime64(first_ts, 3, 'UTC')), ' ', 'T'), 'Z') AS first_ts,
              concat(replace(toString(toDateTime64(last_ts, 3, 'UTC')), ' ', 'T'), 'Z') AS last_ts,
              toUInt32(positions) AS positions, toFloat64(max_speed_kmh) AS max_speed_kmh
       FROM file({file:String}, ${format})`,
      { file },
    );
    return rows;
  };

  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 40, hours: 2 });
    period = { from: new Date(t.fromMs + 1_800_000).toISOString(), to: new Date(t.fromMs + 5_400_000).toISOString() };
  });
  afterAll(async () => {
    await t?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('holds exactly the JSON answer\'s vehicles, says whether the limit cut them, and names the download', async () => {
    const json = (await ask({ area: { district_id: 'd06' }, limit: 4 })).json<{ vehicles: Vehicle[]; truncated: boolean }>();
    expect(json.vehicles).toHaveLength(4);
    expect(json.truncated).toBe(true);
    const csv = await ask({ area: { district_id: 'd06' }, limit: 4 }, { query: '?format=csv' });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="area-vehicles.csv"');
    expect(csv.headers['x-fleetlake-truncated']).toBe('true');
    expect(csv.body.split('\n')[0]).toBe('"vehicle_id","vehicle_type","first_ts","last_ts","positions","max_speed_kmh"');
    expect(await decode(csv.rawPayload, 'CSVWithNames')).toEqual(json.vehicles);

    const parquet = await ask({ area: { district_id: 'd06' }, limit: 4 }, { accept: 'application/vnd.apache.parquet' });
    expect(parquet.headers['content-type']).toBe('application/vnd.apache.parquet');
    expect(parquet.rawPayload.subarray(0, 4).toString()).toBe('PAR1');
    expect(await decode(parquet.rawPayload, 'Parquet')).toEqual(json.vehicles);

    const whole = await ask({ area: { district_id: 'd06' }, limit: 10_000 }, { accept: 'text/csv' });
    expect(whole.headers['x-fleetlake-truncated']).toBe('false');
  });

  it('gives a header alone for an answer with no vehicle', async () => {
    const empty = await ask({ area: { district_id: 'd06' }, vehicle_types: ['hovercraft'] }, { query: '?format=csv' });
    expect(empty.body).toBe('"vehicle_id","vehicle_type","first_ts","last_ts","positions","max_speed_kmh"\n');
    const parquet = await ask({ area: { district_id: 'd06' }, vehicle_types: ['hovercraft'] }, { query: '?format=parquet' });
    expect(await decode(parquet.rawPayload, 'Parquet')).toEqual([]);
  });

  it('keeps JSON the default and NDJSON by Accept or ?format=, and refuses formats it lacks with 406 or 400', async () => {
    expect((await ask({ area: { district_id: 'd06' } }, { accept: '*/*' })).headers['content-type']).toContain('application/json');
    const ndjson = await ask({ area: { district_id: 'd06' } }, { query: '?format=ndjson' });
    expect(ndjson.headers['content-type']).toContain('application/x-ndjson');
    expect(ndjson.body.trimEnd().split('\n').at(-1)).toContain('"stats"');
    const refused = await ask({ area: { district_id: 'd06' } }, { accept: 'application/vnd.apache.arrow.stream' });
    expect(refused.statusCode).toBe(406);
    expect(refused.json()).toMatchObject({ error: 'API_NOT_ACCEPTABLE' });
    expect((await ask({ area: { district_id: 'd06' } }, { query: '?format=arrow' })).json()).toMatchObject({ error: 'API_BAD_REQUEST' });
  });
});
