import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { isFleetlakeError } from '../core/errors.ts';
import { createMetrics } from '../core/metrics.ts';
import { buildApp } from './app.ts';
import { parseExceptionText } from '../core/failures.ts';
import { loadNamedQueries } from './named-sql.ts';
import { ndjsonBody } from './ndjson.ts';
import { createQueryRunner } from './query-runner.ts';

/**
 * Unit tests with a fake client standing in for what a ClickHouse server
 * sends over HTTP (the integration tests run the embedded engine, which
 * answers a whole result at once): progress lines, and an exception that
 * arrives after rows already streamed.
 */
function fakeClient(body: string[], seen: { query?: string; params?: unknown } = {}): ClickHouseClient {
  return {
    async exec(params: { query: string; query_params?: unknown }) {
      seen.query = params.query;
      seen.params = params.query_params;
      return { stream: Readable.from(body.map((line) => Buffer.from(line))) };
    },
  } as unknown as ClickHouseClient;
}

const queries = loadNamedQueries();
const DISTRICT = { district_id: 'd01' };

describe('createQueryRunner', () => {
  it('adds the time budget and readonly as the query\'s own SETTINGS, and reads rows and the last progress', async () => {
    const seen: { query?: string; params?: unknown } = {};
    const client = fakeClient(
      [
        '{"meta":[{"name":"id","type":"String"}]}\n{"progress":{"read_rows":"10","read_bytes":"100"}}\n{"row":{"id":"d0',
        '1"}}\n{"progress":{"read_rows":"16","read_bytes":"160","elapsed_ns":"2500000"}}\n',
      ],
      seen,
    );
    const metrics = createMetrics();
    const runner = createQueryRunner({ client, queries, budgetMs: 2500, setReadonly: true, metrics });
    const { rows, stats } = await runner.all('district-get', DISTRICT);
    expect(rows).toEqual([{ id: 'd01' }]);
    expect(stats).toEqual({ rowsRead: 16, bytesRead: 160, elapsedMs: 2.5 });
    expect(seen.query).toMatch(/\nSETTINGS readonly = 2, max_execution_time = 2\.5, timeout_overflow_mode = 'throw'\nFORMAT JSONEachRowWithProgress$/);
    expect(seen.params).toEqual(DISTRICT);
    expect(await metrics.registry.getSingleMetricAsString('fleetlake_api_query_rows_read_total')).toContain('query="district-get"} 16');
    const withoutReadonly = createQueryRunner({ client: fakeClient([], seen), queries, budgetMs: 1000, setReadonly: false });
    await withoutReadonly.all('district-get', DISTRICT);
    expect(seen.query).toContain('SETTINGS max_execution_time = 1,');
  });

  it('rejects before the first row when ClickHouse reports an exception there', async () => {
    const client = fakeClient(['{"meta":[]}\n{"exception":"Code: 159. DB::Exception: Timeout exceeded: elapsed 1.2 s, maximum: 1 s. (TIMEOUT_EXCEEDED) (version 25.8.1.1)"}\n']);
    const metrics = createMetrics();
    const runner = createQueryRunner({ client, queries, budgetMs: 1000, setReadonly: true, metrics });
    const error = await runner.stream('district-get', DISTRICT).catch((e: unknown) => e);
    expect(isFleetlakeError(error, 'API_QUERY_TIMEOUT')).toBe(true);
    expect((error as Error).message).toContain('time budget of 1s');
    expect(await metrics.registry.getSingleMetricAsString('fleetlake_api_query_timeouts_total')).toContain('query="district-get"} 1');
  });

  it('ends an NDJSON body already under way with the error as its last line', async () => {
    const client = fakeClient(['{"row":{"id":"a"}}\n{"row":{"id":"b"}}\n{"exception":"Code: 241. DB::Exception: Memory limit exceeded. (MEMORY_LIMIT_EXCEEDED)"}\n']);
    const runner = createQueryRunner({ client, queries, budgetMs: 1000, setReadonly: true });
    const rows = await runner.stream<{ id: string }>('district-get', DISTRICT);
    async function* lines() {
      for await (const row of rows) yield `${JSON.stringify(row)}\n`;
    }
    let text = '';
    const logged: object[] = [];
    const request = { id: 'req-1', log: { warn: (details: object) => void logged.push(details) } };
    for await (const chunk of ndjsonBody(lines(), 'district-get', 1000, request)) text += String(chunk);
    expect(text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 'a' },
      { id: 'b' },
      // A failure that passes by itself (core/failures.ts): the lake is unavailable for now, not the query wrong.
      { error: 'CLICKHOUSE_UNAVAILABLE', message: 'ClickHouse is unavailable; try again later (the server log has the details under this request_id)', request_id: 'req-1' },
    ]);
    expect(logged).toEqual([{ code: 'CLICKHOUSE_UNAVAILABLE', err: 'ClickHouse is unavailable: district-get query: code 241 MEMORY_LIMIT_EXCEEDED: Memory limit exceeded.' }]);
  });

  it('refuses parameters that do not match the file\'s placeholders', async () => {
    const runner = createQueryRunner({ client: fakeClient([]), queries, budgetMs: 1000, setReadonly: true });
    await expect(runner.all('district-get', { district: 'd01' })).rejects.toThrow(/district-get\.sql takes \{district_id\} but was given \{district\}/);
    await expect(runner.all('district-get', { district: 'd01' })).rejects.toThrow(expect.objectContaining({ code: 'NAMED_QUERY_PARAMS', message: expect.stringContaining('pass exactly the placeholders the file declares') }));
  });
});

describe('parseExceptionText', () => {
  it('keeps the server code, type and message', () => {
    expect(parseExceptionText('Code: 60. DB::Exception: Unknown table expression identifier \'fleet.x\'. (UNKNOWN_TABLE) (version 25.8.1.1)')).toEqual({
      code: '60',
      type: 'UNKNOWN_TABLE',
      message: "Unknown table expression identifier 'fleet.x'.",
    });
  });
});

describe('buildApp', () => {
  const config = loadConfig({ env: {} });
  const readonlyClient = (level: number) =>
    ({ query: async () => ({ json: async () => [{ readonly: String(level) }] }) }) as unknown as ClickHouseClient;

  it('refuses a ClickHouse user with readonly = 1, which forbids the time budget', async () => {
    const error = await buildApp({ clickhouse: { client: readonlyClient(1) }, config }).catch((e: unknown) => e);
    expect(isFleetlakeError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('give the API a user whose profile sets readonly = 2');
  });

  it('refuses api.default_limit above api.max_limit', async () => {
    const error = await buildApp({ clickhouse: { client: readonlyClient(0) }, config: loadConfig({ env: {}, overrides: { api: { default_limit: 50, max_limit: 10 } } }) }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('api.default_limit = 50 must not exceed api.max_limit = 10: lower FLEETLAKE_API_DEFAULT_LIMIT or raise FLEETLAKE_API_MAX_LIMIT');
  });
});
