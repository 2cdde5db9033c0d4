import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const SKIP = new Set(['node_modules', '.cache', '.git', 'data', '.bench', '.artifacts', '.scratch']);

/** Every test file under `root`, as paths relative to it. */
export function testFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : testFiles(root, join(dir, entry.name));
    return entry.name.endsWith('.test.ts') ? [relative(root, join(dir, entry.name))] : [];
  });
}

/**
 * What makes a test an integration test: it opens an embedded lake (directly or
 * through a harness), runs fleetlake's CLI or a fleetlake process, drives
 * Chromium, or starts a tool (an S3 server, schemathesis, a cluster engine,
 * PostgreSQL for the peers).
 * Anything else is a unit test, which must run in seconds.
 */
const INTEGRATION_MARKERS =
  /\b(openTestLake|openApiTestLake|useLakeAndTopics|openClickHouse|runFleetlake|spawnFleetlake|launchChromium|startS3Server|ensureSchemathesis|startClusterEngine|startMemoryGateway|setUpPeers)\(|from 'chdb/;

/** The test files under `root` that need more than Node: see INTEGRATION_MARKERS. */
export function integrationTestFiles(root: string): string[] {
  return testFiles(root).filter((file) => INTEGRATION_MARKERS.test(readFileSync(join(root, file), 'utf8')));
}
