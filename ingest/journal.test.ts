import { describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '../core/clickhouse.ts';
import { createClickHouseJournal } from './journal.ts';

describe('createClickHouseJournal', () => {
  it('fails with a code and what to do when its own claim does not read back', async () => {
    // A stand-in for a replica that acknowledged the insert but answers the read without it.
    const client = {
      insert: async () => ({}),
      query: async () => ({ json: async () => [] }),
    } as unknown as ClickHouseClient;
    const journal = createClickHouseJournal(client, 'test');
    await expect(journal.claim({ id: 'kafka:fleet.positions:3', topic: 'fleet.positions', partition: 3 }, 100, 199, 0)).rejects.toThrow(
      expect.objectContaining({
        code: 'INGEST_CLAIM_UNREADABLE',
        message: expect.stringMatching(/claim of kafka:fleet\.positions:3:100-199 just written to fleet\.ingest_journal: the batch is retried; if this repeats, check/),
      }),
    );
  });
});
