import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { integrationTestFiles } from './test-support/test-files.ts';

/**
 * The test files that need a Kafka broker (and so Java): they run against the current Kafka 4.x and once more against
 * Kafka 3.9, the line before 4.0's protocol removals. The others need no broker: the `integration` project holds those
 * that open an embedded lake, drive Chromium or start a process or tool (test-support/test-files.ts says how they are
 * recognised), the `unit` project the rest, which run in seconds (`npm run test:unit`).
 * test-support/kafka-facing.test.ts fails when a file that asks for a broker is missing here.
 */
export const KAFKA_FACING = [
  'broker/roundtrip.test.ts',
  'generator/sinks/kafka-sink.test.ts',
  'cli/commands/generate.test.ts',
  'ingest/*kafka*.test.ts',
  'ingest/codecs.test.ts',
  'ingest/undecodable-batch.test.ts',
  'ingest/permanent-failures.test.ts',
  'ingest/crash.test.ts',
  'ingest/broker-*.test.ts',
  'ingest/clickhouse-down.test.ts',
  'ingest/dead-letters.test.ts',
  'ingest/rebalance.test.ts',
  'allinone/all-in-one.test.ts',
  'gateway/gateway-kafka.test.ts',
  'gateway/gateway-crash.test.ts',
];

const INTEGRATION = integrationTestFiles(fileURLToPath(new URL('.', import.meta.url)));

const shared = {
  exclude: ['node_modules/**', 'data/**', '.cache/**'],
  // Each test file in its own process: the embedded engine is one per process and per data directory.
  pool: 'forks' as const,
  testTimeout: 60_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { test: { ...shared, name: 'unit', include: ['**/*.test.ts'], exclude: [...shared.exclude, ...KAFKA_FACING, ...INTEGRATION] } },
      { test: { ...shared, name: 'integration', include: INTEGRATION, exclude: [...shared.exclude, ...KAFKA_FACING] } },
      { test: { ...shared, name: 'kafka-4', include: KAFKA_FACING, globalSetup: ['test-support/global-setup.ts'] } },
      {
        test: {
          ...shared,
          name: 'kafka-3.9',
          include: KAFKA_FACING,
          globalSetup: ['test-support/global-setup-kafka-3.9.ts'],
          // Brokers the tests start themselves (broker-gone) and fleetlake processes they spawn use the same line.
          env: { FLEETLAKE_KAFKA_VERSION: '3.9.1' },
        },
      },
    ],
  },
});
