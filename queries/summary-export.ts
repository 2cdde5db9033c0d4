import type { FastifyInstance, FastifyRequest } from 'fastify';
import { contentType, negotiateFormat, type ExportFormat } from './export-format.ts';

/** The summary's formats, JSON first: the default when Accept allows anything. */
export const SUMMARY_FORMATS = ['json', 'ndjson', 'csv', 'parquet'] as const satisfies readonly [ExportFormat, ...ExportFormat[]];

type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

/** What the route's JSON answer holds that a table of it keeps. */
interface SummaryAnswer {
  readonly vehicles: readonly {
    readonly vehicle_id: string;
    readonly vehicle_type: string;
    readonly first_ts: string;
    readonly last_ts: string;
    readonly positions: number;
    readonly max_speed_kmh: number;
  }[];
  readonly truncated: boolean;
}

const chosen = new WeakMap<FastifyRequest, SummaryFormat>();

/** The format negotiated for a request of POST /v1/area-query (JSON until the hook below has run). */
export function summaryFormat(request: FastifyRequest): SummaryFormat {
  return chosen.get(request) ?? 'json';
}

/**
 * CSV and Parquet for POST /v1/area-query, kept apart from how the route
 * computes its answer: a hook negotiates the format before the handler runs
 * (a 406 costs no query), and once the handler's JSON answer is serialized,
 * ClickHouse turns its vehicles into the table asked for
 * (queries/sql/area-vehicles-table.sql), so both formats carry ClickHouse's
 * own types and quoting, as the positions export does. Stats are not columns:
 * `x-fleetlake-truncated` says whether the limit cut the list.
 * Register inside the plugin that holds the route.
 */
export function installSummaryExport(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    chosen.set(request, negotiateFormat(request, SUMMARY_FORMATS));
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const format = summaryFormat(request);
    if ((format !== 'csv' && format !== 'parquet') || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    const answer = JSON.parse(payload) as SummaryAnswer;
    const vehicles = JSON.stringify(answer.vehicles.map((v) => [v.vehicle_id, v.vehicle_type, v.first_ts, v.last_ts, v.positions, v.max_speed_kmh]));
    const table = await app.queries.raw('area-vehicles-table', { vehicles }, format === 'csv' ? 'CSVWithNames' : 'Parquet');
    void reply
      .type(contentType(format))
      .header('content-disposition', `attachment; filename="area-vehicles.${format}"`)
      .header('x-fleetlake-truncated', String(answer.truncated))
      .removeHeader('content-length');
    return table;
  });
}
