/**
 * No Docker engine runs where the tests run, so the cluster deployment is
 * checked statically: compose.yaml against the Compose JSON Schema, and the
 * ClickHouse, Keeper and HAProxy configs parsed and cross-checked against the
 * compose file, each other and the code (cluster name, hosts, ports, macros,
 * users, storage policy, topics).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { STORAGE, TOPICS } from '../../core/names.ts';
import { S3_STORAGE_POLICY_FILE, SERVER_COLD_S3_ENV } from '../../core/storage-config.ts';
import { CLUSTER_PLACEMENT, keeperPath } from '../../schema/cluster-placement.ts';
import {
  commandOf,
  composeSchemaErrors,
  expectHealthOrderedDependencies,
  expectKnownEnvironment,
  expectMountsExist,
  expectPinnedImages,
  expectRealCommands,
  expectValidAgainstComposeSchema,
  fleetlakeServices,
  readCompose,
  REPO_ROOT,
} from '../../test-support/compose-file.ts';

const DIR = join(REPO_ROOT, 'deploy/cluster');
const compose = readCompose('deploy/cluster/compose.yaml');
const services = compose.services;
const LISTS = [/\.remote_servers\.\w+\.shard$/, /\.shard\.replica$/, /\.zookeeper\.node$/, /\.raft_configuration\.server$/];
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (_name, path) => LISTS.some((list) => list.test(String(path))) });
const readXml = (path: string) => xml.parse(readFileSync(path, 'utf8')) as { clickhouse: Record<string, unknown> };

interface Replica { host: string; port: number }
interface Shard { internal_replication: boolean; replica: Replica[] }
const remote = readXml(join(DIR, 'clickhouse/config.d/remote-servers.xml')).clickhouse.remote_servers as Record<string, { secret: { '@from_env': string }; shard: Shard[] }>;
const macros = readXml(join(DIR, 'clickhouse/config.d/macros.xml')).clickhouse.macros as Record<string, { '@from_env': string }>;
const keeperClient = readXml(join(DIR, 'clickhouse/config.d/keeper-client.xml')).clickhouse.zookeeper as { node: { host: string; port: number }[] };
const keeper = readXml(join(DIR, 'keeper/keeper.xml')).clickhouse.keeper_server as {
  tcp_port: number;
  http_control: { port: number };
  server_id: { '@from_env': string };
  raft_configuration: { server: { id: number; hostname: string; port: number }[] };
};
const storage = readXml(S3_STORAGE_POLICY_FILE).clickhouse.storage_configuration as {
  disks: Record<string, { type: string; endpoint?: { '@from_env': string } }>;
  policies: Record<string, { volumes: Record<string, { disk: string }> }>;
};
const haproxy = readFileSync(join(DIR, 'haproxy/haproxy.cfg'), 'utf8');

const clickhouseServices = Object.entries(services).filter(([, s]) => s.image?.startsWith('clickhouse/clickhouse-server:'));
const keeperServices = Object.entries(services).filter(([, s]) => s.image?.startsWith('clickhouse/clickhouse-keeper:'));
const brokerServices = Object.entries(services).filter(([name]) => /^redpanda-\d+$/.test(name));
const env = (name: string) => services[name]?.environment ?? {};
const fleetlake = fleetlakeServices(compose);
const clusterName = env('migrate').FLEETLAKE_CLICKHOUSE_CLUSTER ?? '';

describe('deploy/cluster/compose.yaml', () => {
  it('is a valid compose file (Compose JSON Schema), and the schema catches a mistake', () => {
    expectValidAgainstComposeSchema(compose);
    expect(composeSchemaErrors({ services: { x: { image: 'a:1', restrat: 'always' } } })).toEqual(['/services/x must NOT have additional properties']);
  });

  it('passes the checks every compose file gets', () => {
    expectPinnedImages(compose);
    expectRealCommands(compose);
    expectKnownEnvironment(compose);
    expectMountsExist(compose);
    expectHealthOrderedDependencies(compose);
  });

  it('runs 3 Keeper, 2 shards × 2 replicas of ClickHouse, 3 brokers, ingest × 2, gateway × 2 and API × 2 behind HAProxy, Grafana and an S3 store', () => {
    expect(keeperServices).toHaveLength(3);
    expect(clickhouseServices).toHaveLength(4);
    expect(brokerServices).toHaveLength(3);
    expect(Number(services.ingest?.deploy?.replicas)).toBe(2);
    expect(fleetlake.filter(([, s]) => commandOf(s)[0] === 'gateway')).toHaveLength(2);
    expect(fleetlake.filter(([, s]) => commandOf(s)[0] === 'serve')).toHaveLength(2);
    expect(services.haproxy?.image).toMatch(/^haproxy:/);
    expect(services.grafana?.image).toMatch(/^grafana\/grafana:/);
    expect(services.seaweedfs?.image).toMatch(/^chrislusf\/seaweedfs:/);
  });
});

describe('the ClickHouse cluster configs', () => {
  it('defines the cluster every fleetlake service names, with the ClickHouse services as its replicas', () => {
    expect(Object.keys(remote)).toEqual([clusterName]);
    for (const [name] of fleetlake) expect(env(name).FLEETLAKE_CLICKHOUSE_CLUSTER, name).toBe(clusterName);
    const shards = remote[clusterName]!.shard;
    expect(shards.map((s) => s.replica.length)).toEqual([2, 2]);
    expect(shards.every((s) => s.internal_replication)).toBe(true);
    const hosts = shards.flatMap((s) => s.replica.map((r) => r.host));
    expect(hosts.sort()).toEqual(clickhouseServices.map(([name]) => name).sort());
    // 9000 is the server's native port, which Distributed tables use between nodes.
    for (const replica of shards.flatMap((s) => s.replica)) expect(replica.port).toBe(9000);
    const secretVariable = remote[clusterName]!.secret['@from_env'];
    for (const [name] of clickhouseServices) expect(env(name)[secretVariable], name).toBeTruthy();
  });

  it('gives each server the shard remote_servers puts it in, and a replica name unique in the cluster', () => {
    expect(Object.keys(macros).sort()).toEqual(['replica', 'shard']);
    const shards = remote[clusterName]!.shard;
    const replicas = new Set<string>();
    for (const [name, service] of clickhouseServices) {
      const shardIndex = shards.findIndex((s) => s.replica.some((r) => r.host === name));
      expect(env(name)[macros.shard!['@from_env']], name).toBe(String(shardIndex + 1));
      const replica = env(name)[macros.replica!['@from_env']]!;
      expect(replicas.has(replica), `${name}: replica ${replica}`).toBe(false);
      replicas.add(replica);
      expect(service.hostname).toBe(name);
    }
  });

  it('uses exactly the macros the cluster schema puts in its Keeper paths', () => {
    const used = new Set(
      Object.entries(CLUSTER_PLACEMENT).flatMap(([table, placement]) => [...`${keeperPath(table, placement)} {replica}`.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)),
    );
    expect([...used].sort()).toEqual(Object.keys(macros).sort());
  });

  it('points every server at the three Keeper nodes, on the port they serve', () => {
    const raft = keeper.raft_configuration.server;
    expect(raft.map((s) => s.hostname).sort()).toEqual(keeperServices.map(([name]) => name).sort());
    for (const [name] of keeperServices) {
      const id = Number(env(name)[keeper.server_id['@from_env']]);
      expect(raft.find((s) => s.id === id)?.hostname, `${name}: server id ${id}`).toBe(name);
    }
    expect(keeperClient.node.map((n) => `${n.host}:${n.port}`).sort()).toEqual(raft.map((s) => `${s.hostname}:${keeper.tcp_port}`).sort());
    for (const [name, service] of keeperServices) expect(service.healthcheck?.test.join(' '), name).toContain(`127.0.0.1:${keeper.http_control.port}/ready`);
  });

  it('mounts the S3 storage policy of the code, with the policy and volume names the DDL uses, and a cold prefix per server', () => {
    const policy = storage.policies[STORAGE.policy];
    expect(Object.keys(policy?.volumes ?? {})).toEqual([STORAGE.hotVolume, STORAGE.coldVolume]);
    const coldDisk = storage.disks[policy!.volumes[STORAGE.coldVolume]!.disk]!;
    expect(coldDisk.type).toBe('s3');
    const urls = new Set<string>();
    for (const [name, service] of clickhouseServices) {
      expect(service.volumes).toContain('../../schema/clickhouse/cold-s3/storage-policy.xml:/etc/clickhouse-server/config.d/storage-policy.xml:ro');
      for (const variable of Object.values(SERVER_COLD_S3_ENV) as { env: string }[]) expect(env(name)[variable.env], `${name}: ${variable.env}`).toBeTruthy();
      const url = env(name)[coldDisk.endpoint!['@from_env']]!;
      expect(url).toMatch(new RegExp(`^http://seaweedfs:8333/fleetlake-cold/${name}/$`));
      urls.add(url);
    }
    expect(urls.size).toBe(clickhouseServices.length);
    expect(commandOf(services['s3-init']!).join(' ')).toContain('s3.bucket.create -name fleetlake-cold');
    expect(commandOf(services.seaweedfs!).join(' ')).toContain('-s3.port=8333');
  });

  it('mounts the fleetlake users on every server: migrator for migrate, writer for ingest, api for the API, reader for Grafana', () => {
    const users = readFileSync(join(REPO_ROOT, 'schema/clickhouse/users.d/fleetlake.xml'), 'utf8');
    for (const [name, service] of clickhouseServices) {
      expect(service.volumes, name).toContain('../../schema/clickhouse/users.d/fleetlake.xml:/etc/clickhouse-server/users.d/fleetlake.xml:ro');
      for (const [, variable] of users.matchAll(/from_env="(\w+)"/g)) expect(env(name)[variable!], `${name}: ${variable}`).toBeTruthy();
    }
    for (const [name, service] of fleetlake) {
      expect(users).toContain(`<${env(name).CLICKHOUSE_USER}>`);
      const user = { migrate: 'fleetlake_migrator', serve: 'fleetlake_api' }[commandOf(service)[0] ?? ''] ?? 'fleetlake_writer';
      expect(env(name).CLICKHOUSE_USER, name).toBe(user);
    }
    expect(env('grafana').CLICKHOUSE_READER_USER).toBe('fleetlake_reader');
  });
});

describe('the brokers', () => {
  it('form one cluster of three, every stage knows all three, topics are created at replication factor 3', () => {
    const seeds = brokerServices.map(([name]) => `${name}:33145`).join(',');
    for (const [name, service] of brokerServices) {
      expect(commandOf(service), name).toContain(`--seeds=${seeds}`);
      expect(commandOf(service), name).toContain(`--advertise-kafka-addr=internal://${name}:9092`);
    }
    const all = brokerServices.map(([name]) => `${name}:9092`).join(',');
    for (const [name] of fleetlake) expect(env(name).KAFKA_BROKERS, name).toBe(all);
    const init = commandOf(services['redpanda-init']!).join(' ');
    for (const topic of Object.values(TOPICS)) expect(init).toMatch(new RegExp(`rpk topic create ${topic.replace(/\./g, '\\.')} .* -r 3 `));
  });
});

describe('HAProxy', () => {
  // haproxy.cfg: a section starts at an unindented line ("backend NAME"); its settings are the indented lines below.
  const sections = haproxy.split(/\n(?=\S)/).map((block) => {
    const [header = '', ...lines] = block.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    const [kind, name] = header.split(/\s+/);
    return { kind, name, lines: lines.map((l) => l.trim()) };
  });
  const backends = sections.filter((s) => s.kind === 'backend').map((s) => ({
    name: s.name!,
    servers: s.lines.map((l) => /^server \S+ ([\w-]+):(\d+)/.exec(l)).filter((m) => m !== null).map((m) => ({ host: m[1]!, port: Number(m[2]) })),
  }));
  const frontends = sections.filter((s) => s.kind === 'frontend').map((s) => ({
    name: s.name!,
    port: Number(s.lines.map((l) => /^bind :(\d+)/.exec(l)?.[1]).find(Boolean)),
    backend: s.lines.map((l) => /^default_backend (\S+)/.exec(l)?.[1]).find(Boolean)!,
  }));

  it('sends every frontend to a backend of services that exist, and publishes every frontend', () => {
    expect(frontends.map((f) => f.name).sort()).toEqual(['api', 'clickhouse', 'gt06', 'osmand', 'teltonika']);
    for (const frontend of frontends) {
      const backend = backends.find((b) => b.name === frontend.backend);
      expect(backend?.servers.length, frontend.name).toBeGreaterThanOrEqual(2);
      for (const server of backend!.servers) expect(services[server.host], `${frontend.name}: ${server.host}`).toBeDefined();
      expect(services.haproxy?.ports, frontend.name).toContain(`${frontend.port}:${frontend.port}`);
    }
  });

  it('balances the API on the port it serves, ClickHouse over all its nodes, and the gateways on the ports Traccar uses', () => {
    const servers = (name: string) => backends.find((b) => b.name === name)!.servers;
    for (const [name, service] of fleetlake.filter(([, s]) => commandOf(s)[0] === 'serve')) {
      const port = Number(commandOf(service)[commandOf(service).indexOf('--port') + 1]);
      expect(servers('api')).toContainEqual({ host: name, port });
    }
    expect(servers('clickhouse').map((s) => s.host).sort()).toEqual(clickhouseServices.map(([name]) => name).sort());
    for (const [name, port] of [['gateway_teltonika', 5027], ['gateway_gt06', 5023], ['gateway_osmand', 5055]] as const) {
      expect(servers(name).every((s) => s.port === port && services[s.host] && commandOf(services[s.host]!)[0] === 'gateway'), name).toBe(true);
    }
    expect(env('ingest').CLICKHOUSE_URL).toBe('http://haproxy:8123');
    expect(env('grafana').CLICKHOUSE_HOST).toBe('haproxy');
  });
});
