import { queryRows, type ClickHouseClient } from '../core/clickhouse.ts';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { TABLES } from '../core/names.ts';
import type { GatewayCore } from './gateway-core.ts';

/** Frames recalled per device: a tracker resends its last unacknowledged packet, so its last few published frames suffice. */
const RECALLED_PER_DEVICE = 4;

/**
 * Seeds a starting gateway's memory of published frames from the raw archive
 * (fleet.device_frames): the frames with positions each device had published
 * within `windowMs`. A device whose ACK was lost when the previous gateway
 * process died sends that frame again; recalled, it is acknowledged as a
 * duplicate instead of being published twice. The archive is complete for
 * that purpose only where frames are written with the positions (`fleetlake
 * start` without a broker); through a broker, frames the archiver had not yet
 * copied when the gateway died are not recalled (docs/gateway.md, "The
 * window"). A failure is logged and the gateway starts without the memory.
 */
export async function recallPublished(client: ClickHouseClient, core: Pick<GatewayCore, 'remember'>, windowMs: number, logger: Logger): Promise<number> {
  try {
    const rows = await queryRows<{ device_id: string; frame_hex: string }>(
      client,
      `SELECT device_id, hex(frame) AS frame_hex FROM ${TABLES.deviceFrames}
       WHERE received_at > now64(3) - toIntervalMillisecond({window:UInt64}) AND outcome = 'ok' AND positions > 0
       ORDER BY device_id, received_at DESC
       LIMIT {n:UInt32} BY device_id`,
      { window: windowMs, n: RECALLED_PER_DEVICE },
    );
    // Oldest first, so each device's list keeps its order of publication.
    for (const row of rows.reverse()) core.remember(row.device_id, Buffer.from(row.frame_hex, 'hex'));
    return rows.length;
  } catch (err) {
    logger.warn({ err: errorMessage(err) }, 'cannot read recent frames from the archive: resends of frames published before this start may be published again');
    return 0;
  }
}
