import { createHash } from 'node:crypto';
import { queryRows, type ClickHouseClient } from '../core/clickhouse.ts';
import { TABLES } from '../core/names.ts';
import { encodePosition, parsePosition, type Position } from '../core/position.ts';
import { createClickHouseWriter } from '../ingest/clickhouse-writer.ts';
import { createTsvBody } from '../ingest/encode-batch.ts';
import { ONE_NODE, type WriteConsistency } from '../ingest/write-consistency.ts';
import { decodeArchivedFrame } from './archived-frame.ts';
import type { DeviceRegistry } from './device-registry.ts';
import { GATEWAY_PROTOCOLS, type GatewayProtocol } from './frame-record.ts';

export interface ReplayOptions {
  readonly client: ClickHouseClient;
  /** Archived frames received in [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  /** Only this device's frames; all devices when absent. */
  readonly deviceId?: string;
  /** Names each device's vehicle now (a device registered since its frames were refused is replayed too). */
  readonly registry: Pick<DeviceRegistry, 'resolve'>;
  readonly maxFrameBytes: number;
  /** ingest.max_past and ingest.max_future: a position is checked as ingest would have checked it when its frame came in. */
  readonly maxPastMs: number;
  readonly maxFutureMs: number;
  readonly consistency?: WriteConsistency;
  /** Frames read per page (default 1,000). */
  readonly pageFrames?: number;
}

export interface ReplaySummary {
  readonly frames: number;
  /** Positions the frames decode to, after the fix filter and ingest's checks. */
  readonly positions: number;
  /** Of those, already in fleet.positions (or twice in the replay): not written again. */
  readonly alreadyStored: number;
  readonly inserted: number;
  readonly withoutFix: number;
  /** Frames that still do not decode, by reason; positions ingest would refuse, by reason. */
  readonly rejected: Readonly<Record<string, number>>;
  /** Devices with records that the registry does not know or has disabled. */
  readonly unregistered: readonly string[];
}

interface FrameRow {
  device_id: string;
  received_ms: string;
  protocol: string;
  frame_hex: string;
  digest: string;
}

/**
 * Decodes archived frames of fleet.device_frames again into positions, after a
 * decoder fix or a device registered late, and writes those the lake does not
 * hold yet. Idempotent by content, not by delivery: a position is identified
 * by (vehicle_id, ts) — a vehicle is in one place at a time — and one whose
 * identity fleet.positions already holds is not written, whichever path (the
 * live gateway through Kafka and ingest, an earlier replay) stored it. Each
 * insert also carries a token derived from its rows, so a retried or
 * concurrent replay of the same page is dropped by ClickHouse's block
 * deduplication. A replay cannot correct the values of a position already
 * stored: erase the period first (docs/gateway.md).
 */
export async function replayFrames(options: ReplayOptions): Promise<ReplaySummary> {
  const { client, registry } = options;
  const pageFrames = options.pageFrames ?? 1000;
  const writer = createClickHouseWriter(client, options.consistency ?? ONE_NODE);
  const rejected: Record<string, number> = {};
  const unregistered = new Set<string>();
  const count = (reason: string) => (rejected[reason] = (rejected[reason] ?? 0) + 1);
  let frames = 0;
  let positions = 0;
  let alreadyStored = 0;
  let inserted = 0;
  let withoutFix = 0;
  let cursor: FrameRow | undefined;

  for (;;) {
    const page = await queryRows<FrameRow>(
      client,
      `SELECT device_id, toString(toUnixTimestamp64Milli(received_at)) AS received_ms, protocol, hex(frame) AS frame_hex, toString(sipHash64(frame)) AS digest
       FROM ${TABLES.deviceFrames}
       WHERE received_at >= fromUnixTimestamp64Milli({from:Int64}) AND received_at < fromUnixTimestamp64Milli({to:Int64})
         AND ({device:String} = '' OR device_id = {device:String})
         AND (NOT {paged:Bool} OR (device_id, received_at, sipHash64(frame)) > ({d:String}, fromUnixTimestamp64Milli({t:Int64}), {h:UInt64}))
       ORDER BY device_id, received_at, sipHash64(frame)
       LIMIT {n:UInt32}`,
      {
        from: options.fromMs, to: options.toMs, device: options.deviceId ?? '', paged: cursor !== undefined,
        d: cursor?.device_id ?? '', t: cursor?.received_ms ?? '0', h: cursor?.digest ?? '0', n: pageFrames,
      },
    );
    if (page.length === 0) break;
    cursor = page[page.length - 1];
    frames += page.length;

    const candidates = new Map<string, Position>();
    for (const row of page) {
      if (!(GATEWAY_PROTOCOLS as readonly string[]).includes(row.protocol)) {
        count('unknown_protocol');
        continue;
      }
      const decoded = decodeArchivedFrame(row.protocol as GatewayProtocol, row.device_id, Buffer.from(row.frame_hex, 'hex'), options.maxFrameBytes);
      if (decoded.kind === 'none') continue;
      if (decoded.kind === 'reject') {
        count(decoded.reject.reason);
        continue;
      }
      const resolution = registry.resolve(decoded.deviceId);
      if (resolution.kind !== 'known' && resolution.kind !== 'registered') {
        unregistered.add(decoded.deviceId);
        continue;
      }
      const mapped = decoded.map(resolution.vehicle);
      withoutFix += mapped.withoutFix;
      const receivedMs = Number(row.received_ms);
      for (const p of mapped.positions) {
        // Through the wire form and ingest's own check, as the live path does.
        const check = parsePosition(encodePosition(p), { minTsMs: receivedMs - options.maxPastMs, maxTsMs: receivedMs + options.maxFutureMs });
        if (!check.ok) {
          count(check.reason);
          continue;
        }
        positions++;
        const key = identity(check.position.vehicle_id, check.position.ts_ms);
        if (candidates.has(key)) alreadyStored++;
        else candidates.set(key, check.position);
      }
    }
    if (candidates.size === 0) continue;

    for (const key of await storedIdentities(client, [...candidates.values()])) {
      if (candidates.delete(key)) alreadyStored++;
    }
    if (candidates.size === 0) continue;
    const body = createTsvBody();
    for (const p of [...candidates.values()].sort((a, b) => a.vehicle_id.localeCompare(b.vehicle_id) || a.ts_ms - b.ts_ms)) body.add(p);
    const bytes = body.bytes();
    await writer.insertPositions(`replay:${createHash('sha256').update(bytes).digest('hex')}`, bytes, body.columns);
    inserted += body.rows;
  }
  return { frames, positions, alreadyStored, inserted, withoutFix, rejected, unregistered: [...unregistered].sort() };
}

const identity = (vehicleId: string, tsMs: number) => `${vehicleId}\t${tsMs}`;

/** The identities among `positions` that fleet.positions already holds. */
async function storedIdentities(client: ClickHouseClient, positions: readonly Position[]): Promise<string[]> {
  const vehicles = [...new Set(positions.map((p) => p.vehicle_id))];
  const times = positions.map((p) => p.ts_ms);
  const rows = await queryRows<{ vehicle_id: string; ms: string }>(
    client,
    `SELECT DISTINCT vehicle_id, toString(toUnixTimestamp64Milli(ts)) AS ms FROM ${TABLES.positions}
     WHERE vehicle_id IN {vehicles:Array(String)} AND ts >= fromUnixTimestamp64Milli({lo:Int64}) AND ts <= fromUnixTimestamp64Milli({hi:Int64})`,
    { vehicles, lo: Math.min(...times), hi: Math.max(...times) },
  );
  return rows.map((r) => identity(r.vehicle_id, Number(r.ms)));
}
