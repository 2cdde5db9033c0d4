import { Readable } from 'node:stream';
import type { ClickHouseClient } from '../core/clickhouse.ts';
import { TABLES } from '../core/names.ts';
import type { OutgoingMessage, PositionSink } from '../generator/sink.ts';
import { decodeFrameRecord, type FrameRecord } from './frame-record.ts';

/** The columns of fleet.device_frames that `frameRowTsv` writes, in order. */
export const FRAME_COLUMNS = ['received_at', 'device_id', 'protocol', 'remote', 'outcome', 'detail', 'positions', 'frame'] as const;
const HEX = Array.from({ length: 256 }, (_, b) => `\\x${b.toString(16).padStart(2, '0')}`);

/** TabSeparated text escaping (backslash, tab, newline, carriage return). */
const text = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/** One fleet.device_frames row as a TabSeparated line; the frame's bytes as \xHH escapes, so any byte survives. */
export function frameRowTsv(r: FrameRecord): string {
  let bytes = '';
  for (const b of r.frame) bytes += HEX[b]!;
  const at = new Date(r.receivedAtMs).toISOString().replace('T', ' ').replace('Z', '');
  return `${at}\t${text(r.deviceId)}\t${r.protocol}\t${text(r.remote)}\t${text(r.outcome)}\t${text(r.detail)}\t${r.positions}\t${bytes}\n`;
}

/**
 * Archived frames straight into fleet.device_frames: the frames sink of
 * `fleetlake start` without a broker, where the lake is in the same process.
 * Messages that are not frame records are skipped (none are sent here).
 */
export function createFrameTableSink(client: ClickHouseClient): PositionSink {
  return {
    async send(batch: OutgoingMessage[]) {
      const lines = batch.map((m) => decodeFrameRecord(m.value)).filter((r): r is FrameRecord => r !== undefined).map(frameRowTsv);
      if (lines.length === 0) return;
      const result = await client.exec({
        query: `INSERT INTO ${TABLES.deviceFrames} (${FRAME_COLUMNS.join(', ')}) SETTINGS async_insert = 0 FORMAT TabSeparated`,
        values: Readable.from([lines.join('')]),
      });
      result.stream.destroy();
    },
    async close() {},
  };
}
