import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseDuration } from '../core/duration.ts';
import type { AuditEntry, AuditLog } from './audit-log.ts';
import { EARLIEST_INSTANT_MS, LATEST_INSTANT_MS } from './time-range.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Rows the answer carried (vehicles, points, cells), set by the route; the audit trail records it. */
    auditRows: number;
  }
}

/** An area as stored in the audit trail: enough to tell what was asked, bounded so one request cannot bloat it. */
const MAX_AREA_TEXT = 65_536;

/**
 * Writes every request to a route that needs a key to the audit trail once
 * it is answered, refusals included: who asked (the key), for what (route,
 * vehicle, area, period), how much came back and how it ended.
 */
export function installAudit(app: FastifyInstance, audit: AuditLog, now: () => number): void {
  app.decorateRequest('auditRows', 0);
  app.addHook('onResponse', async (request, reply) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined || scope === 'public') return;
    audit.record(auditEntry(request, reply.statusCode, reply.elapsedTime, now()));
  });
  app.addHook('onClose', async () => audit.close());
}

type Fields = Record<string, unknown>;

export function auditEntry(request: FastifyRequest, status: number, durationMs: number, at: number): AuditEntry {
  const route = request.routeOptions.url ?? '';
  const params = (request.params ?? {}) as Fields;
  const query = (request.query ?? {}) as Fields;
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Fields;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const instant = (value: unknown) => {
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    return Number.isFinite(ms) && ms >= EARLIEST_INSTANT_MS && ms <= LATEST_INSTANT_MS ? ms : undefined;
  };
  const maxAge = text(query.max_age) === undefined ? undefined : parseDuration(text(query.max_age)!);
  const ts = instant(query.ts);
  const key = request.apiKey;
  return {
    ts: at,
    requestId: request.id,
    keyId: key?.id ?? '',
    keyName: key?.name ?? '',
    method: request.method,
    route,
    status,
    vehicleId: route.startsWith('/v1/vehicles/:id') ? (text(params.id) ?? '') : '',
    area: describeArea(route, params, query, body),
    periodFrom: instant(body.from) ?? instant(query.from) ?? ts ?? (maxAge && maxAge.ms < at ? at - maxAge.ms : undefined),
    periodTo: instant(body.to) ?? instant(query.to) ?? instant(query.before) ?? ts ?? (maxAge ? at : undefined),
    rowsReturned: request.auditRows,
    durationMs,
    client: request.ip,
  };
}

function describeArea(route: string, params: Fields, query: Fields, body: Fields): string {
  if (route.startsWith('/v1/districts/:id') && typeof params.id === 'string') return `district:${params.id}`;
  if (typeof query.bbox === 'string') return `bbox:${query.bbox}`;
  const area = body.area as Fields | undefined;
  if (area === undefined) return '';
  if (typeof area.district_id === 'string') return `district:${area.district_id}`;
  return JSON.stringify(area).slice(0, MAX_AREA_TEXT);
}
