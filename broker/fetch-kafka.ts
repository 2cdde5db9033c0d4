import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetlakeError } from '../core/errors.ts';

export const KAFKA_VERSION = '3.9.1';
const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Where the broker's jars are cached; FLEETLAKE_KAFKA_HOME overrides. */
export function kafkaHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEETLAKE_KAFKA_HOME ?? join(REPO_ROOT, '.cache', `kafka-${KAFKA_VERSION}`);
}

/**
 * Makes sure Kafka's jars are on disk and returns the classpath directory.
 * The first call downloads them through Maven (about 45 MB); later calls reuse the cache.
 */
export function ensureKafka(env: NodeJS.ProcessEnv = process.env): string {
  requireTool('java', ['-version'], 'Java 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)');
  const libs = join(kafkaHome(env), 'libs');
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) return libs;

  requireTool('mvn', ['-v'], 'Apache Maven 3 (Debian/Ubuntu: apt-get install maven)');
  const staging = `${libs}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) {
    throw new FleetlakeError('JAVA_MISSING', { detail: `fetching Kafka ${KAFKA_VERSION} with Maven failed (exit ${result.status}); see the Maven output above` });
  }
  // Renamed into place only when complete, so an interrupted download is never mistaken for a cache.
  renameSync(staging, libs);
  return libs;
}

function requireTool(command: string, args: string[], install: string): void {
  const probe = spawnSync(command, args, { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new FleetlakeError('JAVA_MISSING', {
      detail: `the local Kafka broker needs '${command}', which is not available: install ${install}, or point KAFKA_BROKERS at a running Kafka/Redpanda`,
    });
  }
}
