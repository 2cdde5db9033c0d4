import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ClickHouseHttpEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves ClickHouse's HTTP interface: pings, and `handle` for each statement (GET or POST /). */
export async function listenHttpInterface(
  handle: (request: HttpQuery, res: ServerResponse) => Promise<void>,
  options: { host?: string; port: number },
): Promise<ClickHouseHttpEndpoint> {
  // Query parameters travel in the URL, as they do to a server (whose http_max_uri_size is 1 MiB):
  // Node's 16 KiB header limit would refuse e.g. the vehicles of an area-query export (queries/summary-export.ts).
  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => void route(req, res, handle));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, close: () => closeServer(server) };
}

async function route(req: IncomingMessage, res: ServerResponse, handle: (request: HttpQuery, res: ServerResponse) => Promise<void>): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
    return;
  }
  if (url.pathname !== '/' || (req.method !== 'GET' && req.method !== 'POST')) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' }).end('Not found: use GET or POST / with a query, or GET /ping\n');
    return;
  }
  await handle(readHttpQuery(url, req.method === 'POST' ? await readBody(req) : ''), res);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** URL parameters of ClickHouse's HTTP interface that are not settings. */
const NOT_SETTINGS = new Set([
  'query', 'query_id', 'database', 'default_format', 'session_id', 'session_timeout', 'session_check',
  'user', 'password', 'compress', 'decompress', 'buffer_size', 'wait_end_of_query', 'role', 'quota_key',
]);

/** A request to ClickHouse's HTTP interface, taken apart as a server does. */
export interface HttpQuery {
  /** The URL's `query` and the body, joined: a server runs them as one statement (an INSERT's body is its data). */
  readonly text: string;
  /** `param_NAME` values, decoded. */
  readonly queryParams: Record<string, string>;
  /** Every other URL parameter that is not one of the interface's own. */
  readonly settings: Record<string, string>;
  readonly defaultFormat?: string;
}

function readHttpQuery(url: URL, body: string): HttpQuery {
  const fromUrl = url.searchParams.get('query') ?? '';
  const queryParams: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_')) queryParams[key.slice('param_'.length)] = unescapeParam(value);
    else if (!NOT_SETTINGS.has(key)) settings[key] = value;
  }
  return { text: [fromUrl, body].filter((part) => part !== '').join('\n').trim(), queryParams, settings, defaultFormat: url.searchParams.get('default_format') ?? undefined };
}

const ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0', a: '\x07', v: '\v' };

/**
 * A server reads `param_` values in its escaped text format (clients such as
 * @clickhouse/client send `it\'s` for it's); the embedded engine is handed the
 * value itself, which its connection escapes again.
 */
function unescapeParam(value: string): string {
  return value.replace(/\\(x[0-9a-fA-F]{2}|[^])/g, (_, c: string) => (c.length === 3 ? String.fromCharCode(Number.parseInt(c.slice(1), 16)) : (ESCAPES[c] ?? c)));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A statement's output answered as a server does, its format named in X-ClickHouse-Format. */
export async function answerOutput(res: ServerResponse, output: AsyncIterable<unknown>, format: string): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Format': format });
  for await (const chunk of output) res.write(chunk as Buffer);
  res.end();
}

/** A failed statement answered with the server's error text, so clients (clickhouse-js, clickhouse-go) recognise and type the error. */
export function answerError(res: ServerResponse, err: unknown, status: number): void {
  const { code, type, message } = err as { code?: string; type?: string; message?: string };
  res
    .writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': code ?? '1000' })
    .end(`Code: ${code ?? '1000'}. DB::Exception: ${message ?? String(err)} (${type ?? 'UNKNOWN_EXCEPTION'}) (embedded fleetlake)\n`);
}
