import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetlakeError } from '../core/errors.ts';

/** How each supported broker line logs: its slf4j binding from Maven Central, and the JVM flag naming its config file. */
interface KafkaLine {
  readonly logging: { readonly groupId: string; readonly artifactId: string; readonly version: string };
  readonly logConfigFlag: string;
  readonly logConfig: string;
}

const LOG4J2: KafkaLine = {
  logging: { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: '2.25.5' },
  logConfigFlag: '-Dlog4j2.configurationFile',
  logConfig: `rootLogger.level = WARN
rootLogger.appenderRef.stdout.ref = STDOUT
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
`,
};

const RELOAD4J: KafkaLine = {
  logging: { groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: '1.7.36' },
  logConfigFlag: '-Dlog4j.configuration',
  logConfig: `log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
`,
};

/** The brokers the local Kafka can be: the current 4.x line by default, and 3.9, the last line before KIP-896, for the compatibility run. */
export const KAFKA_LINES: Readonly<Record<string, KafkaLine>> = { '4.4.0': LOG4J2, '3.9.1': RELOAD4J };
export const KAFKA_VERSION = '4.4.0';
const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The broker version to run: FLEETLAKE_KAFKA_VERSION (one of KAFKA_LINES), else the default. */
export function kafkaVersion(env: NodeJS.ProcessEnv = process.env): string {
  const version = env.FLEETLAKE_KAFKA_VERSION?.trim() || KAFKA_VERSION;
  if (!(version in KAFKA_LINES)) {
    throw new FleetlakeError('CONFIG_INVALID', {
      detail: `FLEETLAKE_KAFKA_VERSION=${version} is not a local broker fleetlake knows how to run; use one of ${Object.keys(KAFKA_LINES).join(', ')}`,
    });
  }
  return version;
}

export function kafkaLine(version: string): KafkaLine {
  const line = KAFKA_LINES[version];
  if (!line) throw new Error(`no broker line for Kafka ${version}`);
  return line;
}

/** Where the broker's jars are cached; FLEETLAKE_KAFKA_HOME overrides. */
export function kafkaHome(env: NodeJS.ProcessEnv = process.env, version = kafkaVersion(env)): string {
  return env.FLEETLAKE_KAFKA_HOME ?? join(REPO_ROOT, '.cache', `kafka-${version}`);
}

/**
 * Makes sure Kafka's jars are on disk and returns the classpath directory.
 * The first call downloads them through Maven (about 45 MB); later calls reuse the cache.
 */
export function ensureKafka(env: NodeJS.ProcessEnv = process.env, version = kafkaVersion(env)): string {
  requireTool('java', ['-version'], 'Java 17 or newer (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)');
  const libs = join(kafkaHome(env, version), 'libs');
  if (existsSync(libs) && readdirSync(libs).some((f) => f.startsWith(`kafka_2.13-${version}`))) return libs;
  const { logging } = kafkaLine(version);

  requireTool('mvn', ['-v'], 'Apache Maven 3 (Debian/Ubuntu: apt-get install maven)');
  const staging = `${libs}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = spawnSync(
    'mvn',
    [
      '-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime',
      `-Dkafka.version=${version}`, `-Dlogging.groupId=${logging.groupId}`, `-Dlogging.artifactId=${logging.artifactId}`, `-Dlogging.version=${logging.version}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) {
    throw new FleetlakeError('JAVA_MISSING', { detail: `fetching Kafka ${version} with Maven failed (exit ${result.status}); the Maven output above says why (often no access to Maven Central): fix that, or point KAFKA_BROKERS at a running Kafka/Redpanda` });
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
