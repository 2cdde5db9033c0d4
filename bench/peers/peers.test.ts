import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../queries/testing/seeded-random.ts';
import { generateNdjson } from './fleetlake-lake.ts';
import { askBoth, randomCase, SCENARIOS } from './peer-queries.ts';
import { setUpPeers } from './peer-setup.ts';

const workDir = mkdtempSync(join(tmpdir(), 'fleetlake-peers-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

// The harness of bench:peers on a small data set (60 vehicles, 3 hours): PostGIS is installed by the
// project's script when missing (as root; otherwise the failure names the command), starts, loads,
// answers every kind of question exactly as fleetlake does, and stops leaving nothing behind.
describe('bench:peers harness', () => {
  it('loads the same positions into PostGIS and fleetlake, which answer every question identically, then stops cleanly', async () => {
    const fromMs = Date.parse('2025-03-03T06:00:00Z');
    const backfill = { vehicles: 60, interval: '10s', fromMs, toMs: fromMs + 3 * 3_600_000, seed: 3 };
    const ndjson = join(workDir, 'positions.ndjson');
    await generateNdjson(ndjson, backfill);
    const peers = await setUpPeers({ ndjson, workDir, ...backfill, postgresSettings: { shared_buffers: '128MB', jit: 'off' } });
    const { port } = peers.cluster;
    try {
      expect(peers.load.fleetlake.rows).toBe(64_800);
      expect(peers.load.postgis.rows).toBe(64_800);
      expect(peers.versions.postgis).toMatch(/^POSTGIS="3\./);
      let nonEmptyAreas = 0;
      for (const scenario of SCENARIOS) {
        const random = seededRandom(SCENARIOS.findIndex((s) => s.id === scenario.id) + 1);
        for (let i = 0; i < 4; i++) {
          const result = await askBoth(randomCase(scenario.id, random, peers.data), [peers.fleetlake, peers.postgis], i % 2);
          if (scenario.id.startsWith('district') && result.size > 0) nonEmptyAreas++;
        }
      }
      // Agreement on empty answers would prove nothing.
      expect(nonEmptyAreas).toBeGreaterThan(4);
    } finally {
      await peers.close();
    }
    expect(existsSync(peers.cluster.dataDir)).toBe(false);
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'bench', database: 'bench', connectionTimeoutMillis: 2000 });
    await expect(client.connect()).rejects.toThrow();
  }, 300_000);
});
