import type { ServerResponse } from 'node:http';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { returnsRows, trailingFormat } from '../core/sql-text.ts';
import { answerError, answerOutput, listenHttpInterface, type ClickHouseHttpEndpoint, type HttpQuery } from './http-protocol.ts';
import { ceilSettings, checkReadOnlyStatement } from './read-only-statement.ts';

export type { ClickHouseHttpEndpoint } from './http-protocol.ts';

/**
 * ClickHouse's HTTP interface, read-only, for an embedded lake. One process
 * owns an embedded data directory; this lets everything else reach it the way
 * it would reach a ClickHouse server: `CLICKHOUSE_URL=http://127.0.0.1:8123
 * fleetlake sql …`, @clickhouse/client, curl, or Grafana's ClickHouse plugin in
 * `http` protocol. Every query runs with readonly = 2 (no writes, no DDL)
 * and passes allinone/read-only-statement.ts first: one statement, no table
 * function reaching outside the lake, no settings above the reader ceilings.
 * It binds to loopback and has no authentication: it is a local door, not a
 * server, and the door opens on the lake only.
 */
export function startClickHouseHttp(client: ClickHouseClient, options: { host?: string; port: number }): Promise<ClickHouseHttpEndpoint> {
  return listenHttpInterface((request, res) => handle(client, request, res), options);
}

async function handle(client: ClickHouseClient, request: HttpQuery, res: ServerResponse): Promise<void> {
  const { statement, format } = trailingFormat(request.text);
  const outputFormat = format ?? request.defaultFormat ?? 'TabSeparated';
  const { queryParams, settings: requested } = request;
  try {
    const checked = await checkReadOnlyStatement(client, statement, queryParams);
    // The statement's own SETTINGS override the URL's, as on a server; both stay under the ceilings.
    // The whole answer before the first byte (wait_end_of_query), so a failure, a row ceiling's included, still gets its status.
    const settings = { ...ceilSettings({ ...requested, ...checked.settings }), readonly: '2', wait_end_of_query: 1 };
    const query = returnsRows(checked.statement) ? `${checked.statement}\nFORMAT ${outputFormat}` : checked.statement;
    const { stream } = await client.exec({ query, query_params: queryParams, clickhouse_settings: settings as ClickHouseSettings });
    await answerOutput(res, stream, outputFormat);
  } catch (err) {
    const { code } = err as { code?: string };
    answerError(res, err, code === '164' || code === '497' || code === '452' ? 403 : 500);
  }
}
