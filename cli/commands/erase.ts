import { openClickHouse } from '../../core/clickhouse.ts';
import { parseDuration } from '../../core/duration.ts';
import { createAuditLog } from '../../queries/audit-log.ts';
import { eraseVehicle, waitForErasure } from '../../queries/erasure.ts';
import { checkLakeSchema } from '../../queries/lake-check.ts';
import { VEHICLE_ID_PATTERN } from '../../queries/schemas.ts';
import { EARLIEST_INSTANT_MS, LATEST_INSTANT_MS } from '../../queries/time-range.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const eraseCommand: Command = {
  name: 'erase',
  summary: "erase a vehicle's positions from every table that holds them (right to erasure)",
  help: `Usage: fleetlake erase --vehicle ID [--before TS] [--wait [--timeout 10m]]

Starts one ClickHouse mutation (ALTER TABLE ... DELETE) per table holding the
vehicle's positions: fleet.positions, fleet.latest_positions,
fleet.ingest_rejects (messages naming the vehicle) and, with the gateway,
fleet.device_frames (frames of the vehicle's devices). Prints each mutation;
the rows leave the disk as ClickHouse rewrites the parts. The erasure is
written to the audit trail (fleet.api_audit, key "cli").

  --vehicle ID   the vehicle_id
  --before TS    only positions before this RFC 3339 instant
  --wait         wait until every mutation is done; past --timeout (default
                 10m) exit 3, the mutations going on

Follow it later with GET /v1/vehicles/{id}/erasure (admin scope) or
  SELECT table, mutation_id, is_done, parts_to_do FROM system.mutations WHERE database = 'fleet'
The same erasure over HTTP: DELETE /v1/vehicles/{id}?before=TS (admin scope).`,
  async run(ctx) {
    const { values } = parseCommandArgs('erase', ctx.argv, { vehicle: { type: 'string' }, before: { type: 'string' }, wait: { type: 'boolean' }, timeout: { type: 'string', default: '10m' } });
    const vehicleId = values.vehicle;
    if (vehicleId === undefined || !new RegExp(VEHICLE_ID_PATTERN).test(vehicleId)) throw usageError('erase', 'give --vehicle ID, a vehicle_id (letters, digits, . _ : -, at most 64)');
    let beforeMs: number | undefined;
    if (values.before !== undefined) {
      beforeMs = Date.parse(values.before);
      if (!/^\d{4}-\d\d-\d\dT/.test(values.before) || !Number.isFinite(beforeMs) || beforeMs < EARLIEST_INSTANT_MS || beforeMs > LATEST_INSTANT_MS) {
        throw usageError('erase', `--before ${values.before} is not an RFC 3339 instant such as 2025-01-01T00:00:00Z`);
      }
    }
    const timeout = parseDuration(values.timeout);
    if (!timeout) throw usageError('erase', `--timeout ${values.timeout} is not a duration such as 10m`);
    const ch = openClickHouse(ctx.loadConfig());
    const started = performance.now();
    try {
      await checkLakeSchema(ch.client);
      const mutations = await eraseVehicle(ch.client, { vehicleId, ...(beforeMs !== undefined ? { beforeMs } : {}) });
      const audit = createAuditLog({ client: ch.client, logger: ctx.logger });
      audit.record({
        ts: Date.now(), requestId: `cli-${process.pid}-${Date.now()}`, keyId: '', keyName: 'cli', method: 'ERASE', route: 'fleetlake erase', status: 202,
        vehicleId, area: '', ...(beforeMs !== undefined ? { periodTo: beforeMs } : {}), rowsReturned: 0, durationMs: performance.now() - started, client: 'cli',
      });
      await audit.close();
      for (const m of mutations) ctx.stdout.write(`${m.table}\t${m.mutationId}\tstarted\n`);
      if (!values.wait) return 0;
      const progress = await waitForErasure(ch.client, mutations, timeout.ms);
      for (const p of progress) ctx.stdout.write(`${p.table}\t${p.mutationId}\t${p.done ? 'done' : `${p.partsToDo} parts to do${p.failReason ? `: ${p.failReason}` : ''}`}\n`);
      return progress.every((p) => p.done) ? 0 : 3;
    } finally {
      await ch.close();
    }
  },
};
