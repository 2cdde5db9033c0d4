/**
 * No Docker engine runs where the tests run, so docker-compose.yml and the
 * Dockerfile are checked against the code they deploy: names, commands,
 * environment, ports, users and paths must agree, and images must be pinned.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { TOPICS } from './core/names.ts';
import {
  commandOf as command,
  expectHealthOrderedDependencies,
  expectKnownEnvironment,
  expectMountsExist,
  expectPinnedImages,
  expectRealCommands,
  expectValidAgainstComposeSchema,
  fleetlakeServices as fleetlakeServicesOf,
  readCompose,
  REPO_ROOT as ROOT,
} from './test-support/compose-file.ts';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const compose = readCompose('docker-compose.yml');
const fleetlakeServices = fleetlakeServicesOf(compose);
const env = (name: string) => compose.services[name]?.environment ?? {};

describe('docker-compose.yml', () => {
  it('is a valid compose file (Compose JSON Schema)', () => {
    expectValidAgainstComposeSchema(compose);
  });

  it('pins every image it pulls to a version', () => {
    expectPinnedImages(compose);
  });

  it('runs the fleetlake services from the Dockerfile with real commands and flags', () => {
    expect(fleetlakeServices.map(([name]) => name).sort()).toEqual(['api', 'generator', 'ingest', 'migrate']);
    expectRealCommands(compose);
  });

  it('gives the fleetlake services only environment variables the configuration reads', () => {
    expectKnownEnvironment(compose);
  });

  it('creates the topics the code uses, and points every stage at them', () => {
    const init = command(compose.services['redpanda-init']!).join(' ');
    expect(init).toContain(`rpk topic create ${TOPICS.positions} `);
    expect(init).toContain(`rpk topic create ${TOPICS.deadLetters} `);
    for (const [name] of fleetlakeServices) {
      expect(env(name).FLEETLAKE_TOPIC, name).toBe(TOPICS.positions);
      expect(env(name).FLEETLAKE_DLQ_TOPIC, name).toBe(TOPICS.deadLetters);
      expect(env(name).KAFKA_BROKERS, name).toBe('redpanda:9092');
      expect(env(name).CLICKHOUSE_URL, name).toBe('http://clickhouse:8123');
    }
  });

  it('uses the ClickHouse users defined for the server: a writer for ingest, a reader for the API and Grafana', () => {
    const users = read('schema/clickhouse/users.d/fleetlake.xml');
    for (const user of ['fleetlake_writer', 'fleetlake_reader']) expect(users).toContain(`<${user}>`);
    expect(env('migrate').CLICKHOUSE_USER).toBe('fleetlake_writer');
    expect(env('ingest').CLICKHOUSE_USER).toBe('fleetlake_writer');
    expect(env('api').CLICKHOUSE_USER).toBe('fleetlake_reader');
    expect(Object.values(env('grafana'))).toContain('fleetlake_reader');
    expect(users).toMatch(/<fleetlake_reader>[\s\S]*<readonly>2<\/readonly>/);
  });

  it('mounts files that exist in the repository', () => {
    expectMountsExist(compose);
  });

  it('mounts the storage policy and users into the ClickHouse server', () => {
    const volumes = compose.services.clickhouse?.volumes ?? [];
    expect(volumes).toContain('./schema/clickhouse/config.d/storage-policy.xml:/etc/clickhouse-server/config.d/storage-policy.xml:ro');
    expect(volumes).toContain('./schema/clickhouse/users.d/fleetlake.xml:/etc/clickhouse-server/users.d/fleetlake.xml:ro');
  });

  it('publishes the API on the port it serves, and health-checks it there', () => {
    const api = compose.services.api!;
    const port = command(api)[command(api).indexOf('--port') + 1];
    expect(api.ports).toContain(`${port}:${port}`);
    expect(api.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/health`);
  });

  it('starts services in order of health, on services that exist', () => {
    expectHealthOrderedDependencies(compose);
  });

  it("sets every variable Grafana's provisioning files read, and mounts the dashboards where the provider looks", () => {
    const grafana = compose.services.grafana!;
    const provisioning = join(ROOT, 'dashboards/provisioning');
    const files = readdirSync(provisioning, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(join(provisioning, file), 'utf8');
      for (const [, variable] of text.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)) {
        expect(Object.keys(grafana.environment ?? {}), `${file}: $${variable}`).toContain(variable);
      }
      const providerPath = /path:\s*(\S+)/.exec(text)?.[1];
      if (providerPath) expect(grafana.volumes?.some((v) => v.split(':')[1] === providerPath), `${file}: ${providerPath}`).toBe(true);
    }
    const datasource = parse(readFileSync(join(provisioning, 'datasources/clickhouse.yaml'), 'utf8')) as { datasources: { jsonData: { version: string } }[] };
    expect(grafana.environment?.GF_PLUGINS_PREINSTALL).toBe(`grafana-clickhouse-datasource@${datasource.datasources[0]?.jsonData.version}`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const pkg = JSON.parse(read('package.json')) as { files: string[]; bin: Record<string, string> };

  it('is a multi-stage build from pinned, glibc-based images', () => {
    const images = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image).toMatch(/^node:\d+\.\d+\.\d+-bookworm-slim$/);
  });

  it('copies every folder the package ships, and nothing that does not exist', () => {
    const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(\S+)\s+/gm)].map((m) => m[1]!.replace(/^\.\//, ''));
    for (const source of copied.flatMap((s) => s.split(' '))) expect(existsSync(join(ROOT, source)), source).toBe(true);
    const runtimeFolders = pkg.files.filter((f) => !f.includes('.') && f !== 'dashboards');
    for (const folder of runtimeFolders) expect(copied, folder).toContain(folder);
  });

  it('runs the fleetlake CLI', () => {
    expect(dockerfile).toContain(`ENTRYPOINT ["node", "${pkg.bin.fleetlake}"]`);
  });
});
