import { readFileSync } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyPluginAsync } from 'fastify';
// Brings in the schema keys @fastify/swagger adds (hide).
import type {} from '@fastify/swagger';
import { queryRows } from '../core/clickhouse.ts';
import { describeAuth } from '../queries/auth/auth-hook.ts';

const STATUS_SQL = readFileSync(new URL('./status.sql', import.meta.url), 'utf8');

export interface LakeStatus {
  readonly rows_stored: number;
  readonly vehicles: number;
  readonly positions_per_second: number;
  /** Now minus the newest event time stored, in seconds; null before the first position. */
  readonly freshness_seconds: number | null;
  readonly newest_event: string | null;
}

export interface StatusPageOptions {
  readonly client: ClickHouseClient;
  /** What this process runs, shown on the page, e.g. "generator (1000 vehicles, every 5 s) → in-process → ingest". */
  readonly describe: () => string;
  /** Where the lake's ClickHouse HTTP interface is, for people and tools. */
  readonly clickhouseHttp?: string;
  readonly now?: () => number;
}

const statusSchema = {
  type: 'object',
  required: ['rows_stored', 'vehicles', 'positions_per_second', 'freshness_seconds', 'newest_event'],
  properties: {
    rows_stored: { type: 'integer', description: 'positions stored in fleet.positions' },
    vehicles: { type: 'integer', description: 'vehicles with a known last position' },
    positions_per_second: { type: 'number', description: 'positions ingested per second, summed over ingest processes (last 30 s)' },
    freshness_seconds: { type: ['number', 'null'], description: 'now minus the newest event time stored' },
    newest_event: { type: ['string', 'null'], description: 'the newest event time stored (RFC 3339)' },
  },
} as const;

/** The all-in-one's front page for a person, and the same figures as JSON at /v1/status. */
export const statusPage: FastifyPluginAsync<StatusPageOptions> = async (app, options) => {
  const now = options.now ?? Date.now;

  async function readStatus(): Promise<LakeStatus> {
    const [row] = await queryRows<{ rows_stored: string | null; vehicles: string; newest_event: string | null; positions_per_second: number | null }>(options.client, STATUS_SQL);
    const newest = row?.newest_event ? Date.parse(`${row.newest_event.replace(' ', 'T')}Z`) : undefined;
    return {
      rows_stored: Number(row?.rows_stored ?? 0),
      vehicles: Number(row?.vehicles ?? 0),
      positions_per_second: Math.round(row?.positions_per_second ?? 0),
      freshness_seconds: newest === undefined ? null : Math.max(0, (now() - newest) / 1000),
      newest_event: newest === undefined ? null : new Date(newest).toISOString(),
    };
  }

  // Fleet-wide counts only, no vehicle's whereabouts: open, like the page that polls it.
  app.get('/v1/status', { config: { scope: 'public' }, schema: { summary: 'What the lake is doing right now', tags: ['status'], response: { 200: statusSchema } } }, readStatus);

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    reply.type('text/html; charset=utf-8').send(renderPage(await readStatus(), options.describe(), options.clickhouseHttp, describeAuth(app.api.auth)));
  });
};

function renderPage(status: LakeStatus, running: string, clickhouseHttp: string | undefined, auth: string): string {
  const from = new Date(Date.now() - 15 * 60_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const areaQuery = JSON.stringify({ area: { district_id: 'd06' }, from, to, moving_only: true, limit: 20 });
  const sqlHint = clickhouseHttp
    ? `<p>SQL on this lake from another terminal: <code>npx fleetlake sql "SELECT count() FROM fleet.positions"</code> (it goes through ${escapeHtml(clickhouseHttp)}, ClickHouse's HTTP interface, read-only).</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fleetlake</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2733}
 .figures{display:grid;grid-template-columns:repeat(4,1fr);gap:1rem;margin:1.5rem 0}
 .figure{border:1px solid #d5dbe3;border-radius:.5rem;padding:1rem}
 .figure b{display:block;font-size:1.8rem} code,pre{background:#f2f4f7;border-radius:.25rem;padding:.1rem .3rem}
 pre{padding:.75rem;overflow-x:auto}
</style></head><body>
<h1>fleetlake</h1>
<p>Running: ${escapeHtml(running)}.</p>
<p id="auth"><b>${escapeHtml(auth)}.</b></p>
<div class="figures">
 <div class="figure"><b id="positions_per_second">${status.positions_per_second.toLocaleString('en')}</b>positions / s</div>
 <div class="figure"><b id="vehicles">${status.vehicles.toLocaleString('en')}</b>vehicles</div>
 <div class="figure"><b id="rows_stored">${status.rows_stored.toLocaleString('en')}</b>positions stored</div>
 <div class="figure"><b id="freshness_seconds">${status.freshness_seconds === null ? '–' : `${status.freshness_seconds.toFixed(1)} s`}</b>freshness (now − newest event)</div>
</div>
<h2>Try it</h2>
<ul>
 <li><a href="/docs">API documentation</a> (interactive) and the <a href="/openapi.json">OpenAPI document</a></li>
 <li><a href="/v1/vehicles/latest">Where every vehicle is now</a> · <a href="/v1/districts">districts</a> · <a href="/v1/heatmap?from=${encodeURIComponent(from)}&amp;to=${encodeURIComponent(to)}&amp;resolution=7">heatmap of the last 15 minutes</a> · <a href="/v1/status">these figures as JSON</a> · <a href="/metrics">Prometheus metrics</a></li>
</ul>
<p>Which vehicles were moving in district d06 during the last 15 minutes:</p>
<pre>curl -s localhost:3000/v1/area-query -H 'content-type: application/json' \\
  -d '${escapeHtml(areaQuery)}'</pre>
${sqlHint}
<script>
 setInterval(async () => {
  const s = await (await fetch('/v1/status')).json();
  for (const k of ['positions_per_second','vehicles','rows_stored']) document.getElementById(k).textContent = s[k].toLocaleString('en');
  document.getElementById('freshness_seconds').textContent = s.freshness_seconds === null ? '–' : s.freshness_seconds.toFixed(1) + ' s';
 }, 2000);
</script>
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
