import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '../core/clickhouse.ts';
import { queryRows } from '../core/clickhouse.ts';
import { FleetlakeError } from '../core/errors.ts';
import { TABLES } from '../core/names.ts';
import type { StreamRef } from './types.ts';
import { ONE_NODE, type WriteConsistency } from './write-consistency.ts';

/** The range that owns a first offset: ours, or an earlier claim that the batch must be re-cut to. */
export type Claim =
  | { readonly won: true; readonly refMs: number }
  | { readonly won: false; readonly last: number; readonly refMs: number };

/**
 * Records batch ranges before they are inserted, so that whoever processes a
 * range again (this process after a retry, a restart after kill -9, another
 * member after a rebalance) cuts the same batch and sends the same dedup token.
 */
export interface BatchJournal {
  /**
   * Proposes `first..last` (validated at `refMs`) and returns the range that
   * owns `first`: the oldest proposal ever recorded for it. Throws when
   * ClickHouse fails; the caller retries.
   */
  claim(stream: StreamRef, first: number, last: number, refMs: number): Promise<Claim>;
}

/**
 * The ClickHouse journal (migration 0005). The oldest proposal is the one with
 * the lowest `_block_number`: block numbers are allocated when a part is
 * committed, so a proposal that reads back the table after its own insert sees
 * every proposal older than itself. Two processes racing for the same offsets
 * (a zombie after a rebalance) therefore agree on the winner.
 */
export function createClickHouseJournal(client: ClickHouseClient, claimant: string, consistency: WriteConsistency = ONE_NODE): BatchJournal {
  return {
    async claim(stream, first, last, refMs) {
      const claimId = randomUUID();
      await client.insert({
        table: TABLES.ingestJournal,
        values: [{ stream: stream.id, first_offset: first, last_offset: last, ref_ms: refMs, claimant, claim_id: claimId }],
        format: 'JSONEachRow',
        clickhouse_settings: consistency.claimInsert,
      });
      const [winner] = await queryRows<{ last_offset: string; ref_ms: string; claim_id: string }>(
        client,
        `SELECT last_offset, ref_ms, claim_id FROM ${TABLES.ingestJournal}
         WHERE stream = {stream:String} AND first_offset = {first:UInt64}
         ORDER BY _block_number LIMIT 1`,
        { stream: stream.id, first },
        consistency.claimRead,
      );
      if (!winner) throw new FleetlakeError('INGEST_CLAIM_UNREADABLE', { batch: `${stream.id}:${first}-${last}`, table: TABLES.ingestJournal });
      if (winner.claim_id === claimId) return { won: true, refMs };
      return { won: false, last: Number(winner.last_offset), refMs: Number(winner.ref_ms) };
    },
  };
}

/** For sources that cannot replay (in-process): nothing to re-cut after a restart, every claim wins. */
export function createNoJournal(): BatchJournal {
  return { claim: async (_stream, _first, _last, refMs) => ({ won: true, refMs }) };
}
