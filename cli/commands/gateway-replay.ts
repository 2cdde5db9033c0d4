import { openClickHouse } from '../../core/clickhouse.ts';
import { createDeviceRegistry } from '../../gateway/device-registry.ts';
import { createDeviceStore } from '../../gateway/device-store.ts';
import { replayFrames } from '../../gateway/replay-frames.ts';
import { writeConsistency } from '../../ingest/write-consistency.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { CommandContext } from '../command.ts';

export const GATEWAY_REPLAY_HELP = `Usage: fleetlake gateway replay --from T --to T [--device ID]

Decodes the frames archived in fleet.device_frames that were received in
[--from, --to) (ISO 8601 times) again, through the gateway's decoders and the
device registry as they are now, and writes to fleet.positions the positions
the lake does not hold yet. For after a decoder fix, or for a device that was
refused (UDP, OsmAnd) and registered since. Idempotent: a position is
identified by vehicle and time, and one already stored — by the live gateway
or an earlier replay — is not written again, so replaying twice changes
nothing. It does not correct positions already stored: erase them first.

  --from T     oldest reception time, inclusive (e.g. 2026-12-06T08:00:00Z)
  --to T       newest reception time, exclusive
  --device ID  only this device's frames

Writes to ClickHouse directly, not through the broker (docs/gateway.md).`;

/** `fleetlake gateway replay …`: argv after the word replay. */
export async function runGatewayReplay(ctx: CommandContext, argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('gateway replay', argv, { from: { type: 'string' }, to: { type: 'string' }, device: { type: 'string' } });
  const time = (flag: 'from' | 'to') => {
    const raw = values[flag];
    if (raw === undefined) throw usageError('gateway replay', `--${flag} is required`);
    const ms = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : Number.NaN;
    if (!Number.isFinite(ms)) throw usageError('gateway replay', `--${flag} must be an ISO 8601 time such as 2026-12-06T08:00:00Z, not "${raw}"`);
    return ms;
  };
  const fromMs = time('from');
  const toMs = time('to');
  if (toMs <= fromMs) throw usageError('gateway replay', `--to ${values.to} must be after --from`);
  const config = ctx.loadConfig();
  const ch = openClickHouse(config);
  // The registry as it is now, never registering: a replay must not add devices.
  const registry = await createDeviceRegistry({ store: createDeviceStore(ch.client), policy: 'reject', refreshMs: 3_600_000, logger: ctx.logger });
  try {
    const s = await replayFrames({
      client: ch.client, fromMs, toMs, ...(values.device === undefined ? {} : { deviceId: values.device }), registry,
      maxFrameBytes: config.gateway.max_frame_bytes, maxPastMs: config.ingest.max_past.ms, maxFutureMs: config.ingest.max_future.ms,
      consistency: writeConsistency(config.clickhouse.cluster),
    });
    ctx.stdout.write(`replayed ${s.frames} frames: ${s.positions} positions, ${s.inserted} written, ${s.alreadyStored} already stored; ${s.withoutFix} records without a fix\n`);
    const rejected = Object.entries(s.rejected);
    if (rejected.length > 0) ctx.stdout.write(`not decoded or refused: ${rejected.map(([reason, n]) => `${reason} ${n}`).join(', ')}\n`);
    if (s.unregistered.length > 0) ctx.stdout.write(`not in the registry or disabled (their records are skipped; 'fleetlake devices add' and replay again): ${s.unregistered.join(', ')}\n`);
    return 0;
  } finally {
    registry.close();
    await ch.close();
  }
}
