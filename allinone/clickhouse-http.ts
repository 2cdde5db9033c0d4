import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { returnsRows, trailingFormat } from '../core/sql-text.ts';
import { ceilSettings, checkReadOnlyStatement } from './read-only-statement.ts';

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
export interface ClickHouseHttpEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/** URL parameters of the HTTP interface that are not settings. */
const NOT_SETTINGS = new Set([
  'query', 'query_id', 'database', 'default_format', 'session_id', 'session_timeout', 'session_check',
  'user', 'password', 'compress', 'decompress', 'buffer_size', 'wait_end_of_query', 'role', 'quota_key',
]);

export async function startClickHouseHttp(client: ClickHouseClient, options: { host?: string; port: number }): Promise<ClickHouseHttpEndpoint> {
  // Query parameters travel in the URL, as they do to a server (whose http_max_uri_size is 1 MiB):
  // Node's 16 KiB header limit would refuse e.g. the vehicles of an area-query export (queries/summary-export.ts).
  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => void handle(client, req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, close: () => closeServer(server) };
}

async function handle(client: ClickHouseClient, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
    return;
  }
  if (url.pathname !== '/' || (req.method !== 'GET' && req.method !== 'POST')) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Not found: use GET or POST / with a query, or GET /ping\n');
    return;
  }
  const body = req.method === 'POST' ? await readBody(req) : '';
  const fromUrl = url.searchParams.get('query') ?? '';
  const text = [fromUrl, body].filter((part) => part !== '').join('\n').trim();
  const { statement, format } = trailingFormat(text);
  const outputFormat = format ?? url.searchParams.get('default_format') ?? 'TabSeparated';

  const queryParams: Record<string, string> = {};
  const requested: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_')) queryParams[key.slice('param_'.length)] = value;
    else if (!NOT_SETTINGS.has(key)) requested[key] = value;
  }

  try {
    const checked = await checkReadOnlyStatement(client, statement, queryParams);
    // The statement's own SETTINGS override the URL's, as on a server; both stay under the ceilings.
    // The whole answer before the first byte (wait_end_of_query), so a failure, a row ceiling's included, still gets its status.
    const settings = { ...ceilSettings({ ...requested, ...checked.settings }), readonly: '2', wait_end_of_query: 1 };
    const query = returnsRows(checked.statement) ? `${checked.statement}\nFORMAT ${outputFormat}` : checked.statement;
    const { stream } = await client.exec({ query, query_params: queryParams, clickhouse_settings: settings as ClickHouseSettings });
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Format': outputFormat });
    for await (const chunk of stream) res.write(chunk as Buffer);
    res.end();
  } catch (err) {
    const { code, type, message } = err as { code?: string; type?: string; message?: string };
    // The server's error text, so clients (clickhouse-js, clickhouse-go) recognise and type the error.
    res
      .writeHead(code === '164' || code === '497' || code === '452' ? 403 : 500, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': code ?? '1000' })
      .end(`Code: ${code ?? '1000'}. DB::Exception: ${message ?? String(err)} (${type ?? 'UNKNOWN_EXCEPTION'}) (embedded fleetlake)\n`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
