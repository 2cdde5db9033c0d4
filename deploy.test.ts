/**
 * No Docker engine runs where the tests run, so docker-compose.yml and the
 * Dockerfile are checked against the code they deploy: names, commands,
 * environment, ports, users and paths must agree, and images must be pinned.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './cli/commands.ts';
import { configEnvironmentVariables } from './core/config.ts';
import { TOPICS } from './core/names.ts';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const fleetlakeServices = services.filter(([, s]) => s.build !== undefined);
const env = (name: string) => compose.services[name]?.environment ?? {};
const command = (s: Service) => (Array.isArray(s.command) ? s.command : [s.command ?? '']);

describe('docker-compose.yml', () => {
  it('pins every image it pulls to a version', () => {
    for (const [name, service] of services.filter(([, s]) => s.build === undefined)) {
      const tag = service.image?.split(':').pop() ?? '';
      expect(tag, `${name}: ${service.image}`).toMatch(/^v?\d+(\.\d+)+/);
    }
  });

  it('runs the fleetlake services from the Dockerfile with real commands and flags', () => {
    expect(fleetlakeServices.map(([name]) => name).sort()).toEqual(['api', 'gateway', 'generator', 'ingest', 'migrate']);
    for (const [name, service] of fleetlakeServices) {
      const [commandName, ...args] = command(service);
      const cli = COMMANDS.find((c) => c.name === commandName);
      expect(cli, `${name}: fleetlake ${commandName}`).toBeDefined();
      for (const flag of args.filter((a) => a.startsWith('--'))) expect(cli?.help, `${name}: ${flag}`).toContain(flag);
    }
  });

  it('gives the fleetlake services only environment variables the configuration reads', () => {
    const known = new Set(configEnvironmentVariables());
    for (const [name, service] of fleetlakeServices) {
      for (const key of Object.keys(service.environment ?? {})) expect(known.has(key), `${name}: ${key}`).toBe(true);
    }
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
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source)), `${name}: ${source}`).toBe(true);
      }
    }
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
    for (const [name, service] of services) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = compose.services[dependency];
        expect(target, `${name} depends on ${dependency}`).toBeDefined();
        if (condition === 'service_healthy') expect(target?.healthcheck, `${dependency} has a healthcheck`).toBeDefined();
      }
    }
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
