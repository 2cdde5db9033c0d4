import type { FastifyInstance } from 'fastify';
import { queryRows } from '../../core/clickhouse.ts';
import { FleetlakeError } from '../../core/errors.ts';
import { DATABASE, TABLES } from '../../core/names.ts';
import type { ApiKey } from '../auth/api-key-store.ts';
import { eraseVehicle, erasureProgress } from '../erasure.ts';
import { errorResponses, VEHICLE_ID_PATTERN } from '../schemas.ts';
import { parseInstant } from '../time-range.ts';

const mutationSchema = {
  type: 'object',
  required: ['table', 'mutation_id', 'done', 'parts_to_do'],
  properties: {
    table: { type: 'string' },
    mutation_id: { type: 'string', description: 'system.mutations.mutation_id' },
    done: { type: 'boolean' },
    parts_to_do: { type: 'integer', description: 'data parts still to rewrite' },
    created_at: { type: 'string' },
    fail_reason: { type: 'string', description: 'why ClickHouse last failed to apply it, if it did' },
  },
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: VEHICLE_ID_PATTERN, description: 'vehicle_id' } } } as const;

/** DELETE /v1/vehicles/{id} and GET /v1/vehicles/{id}/erasure: a driver's right to erasure, and its progress. */
export async function erasureRoutes(app: FastifyInstance): Promise<void> {
  app.delete<{ Params: { id: string }; Querystring: { before?: string } }>(
    '/v1/vehicles/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['erasure'],
        summary: "erase a vehicle's positions from every table that holds them",
        description:
          'Starts one ClickHouse mutation (ALTER TABLE … DELETE) per table holding positions: history, latest positions, ingest rejects ' +
          'and raw device frames. The rows leave the disk as the mutations rewrite the parts; GET /v1/vehicles/{id}/erasure follows them. ' +
          'The request is in the audit trail. A key restricted to a group may erase only that group\'s vehicles; an area-restricted key none.',
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { before: { type: 'string', format: 'date-time', description: 'erase only positions before this instant (RFC 3339); absent: all' } },
        },
        response: {
          202: {
            type: 'object',
            required: ['vehicle_id', 'mutations'],
            properties: { vehicle_id: { type: 'string' }, before: { type: 'string', format: 'date-time' }, mutations: { type: 'array', items: mutationSchema } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const beforeMs = request.query.before === undefined ? undefined : parseInstant(request.query.before, 'before');
      await checkMayErase(app, request.apiKey, id);
      const mutations = await eraseVehicle(app.writer, { vehicleId: id, ...(beforeMs !== undefined ? { beforeMs } : {}) });
      const progress = await erasureProgress(app.writer, mutations);
      request.log.info({ vehicle_id: id, before: request.query.before, mutations: mutations.map((m) => `${m.table}:${m.mutationId}`) }, 'erasure started');
      return reply.status(202).send({ vehicle_id: id, ...(beforeMs !== undefined ? { before: new Date(beforeMs).toISOString() } : {}), mutations: progress.map(toBody) });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/vehicles/:id/erasure',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['erasure'],
        summary: "progress of the erasures of a vehicle's positions",
        description: 'The mutations ClickHouse holds (system.mutations) that delete this vehicle\'s rows, newest first; finished ones stay listed until ClickHouse cleans them out.',
        params: idParams,
        response: { 200: { type: 'object', required: ['vehicle_id', 'mutations'], properties: { vehicle_id: { type: 'string' }, mutations: { type: 'array', items: mutationSchema } } }, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params;
      await checkMayErase(app, request.apiKey, id);
      const rows = await queryRows<{ table: string; mutation_id: string }>(
        app.clickhouse,
        `SELECT table, mutation_id FROM system.mutations
         WHERE database = {db:String} AND startsWith(command, '(DELETE WHERE') AND position(command, {needle:String}) > 0
         ORDER BY create_time DESC, mutation_id DESC`,
        { db: DATABASE, needle: `'${id}'` },
      );
      const progress = await erasureProgress(app.clickhouse, rows.map((r) => ({ table: `${DATABASE}.${r.table}`, mutationId: r.mutation_id })));
      request.auditRows = progress.length;
      return { vehicle_id: id, mutations: progress.map(toBody) };
    },
  );
}

function toBody(p: Awaited<ReturnType<typeof erasureProgress>>[number]) {
  return { table: p.table, mutation_id: p.mutationId, done: p.done, parts_to_do: p.partsToDo, created_at: p.createdAt, fail_reason: p.failReason };
}

/** A restricted key erases only what it may see: its group's vehicles; an area-restricted key cannot tell whose a vehicle is, so none. */
async function checkMayErase(app: FastifyInstance, key: ApiKey | null, vehicleId: string): Promise<void> {
  if (!key || (!key.vehicleGroup && !key.area)) return;
  if (key.area) throw new FleetlakeError('API_ERASURE_FORBIDDEN', { key: key.name, restriction: 'an area', id: vehicleId });
  const [row] = await queryRows<{ n: string }>(app.clickhouse, `SELECT count() AS n FROM ${TABLES.vehicleGroups} WHERE group_name = {g:String} AND vehicle_id = {v:String}`, { g: key.vehicleGroup, v: vehicleId });
  if (Number(row?.n ?? 0) === 0) throw new FleetlakeError('API_ERASURE_FORBIDDEN', { key: key.name, restriction: `group ${key.vehicleGroup}`, id: vehicleId });
}
