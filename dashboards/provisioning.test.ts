import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE } from '../core/names.ts';
import { CLICKHOUSE_PLUGIN_ID, interpolateEnv, loadDashboardProvider, loadDatasource } from './harness/provisioning.ts';

/** What the compose stack gives Grafana (docker-compose.yml, service grafana). */
const ENV = {
  CLICKHOUSE_HOST: 'clickhouse',
  CLICKHOUSE_PORT: '8123',
  CLICKHOUSE_PROTOCOL: 'http',
  CLICKHOUSE_DATABASE: DATABASE,
  CLICKHOUSE_READER_USER: 'fleetlake_reader',
  CLICKHOUSE_READER_PASSWORD: 'secret',
};

const scratch = mkdtempSync(join(tmpdir(), 'fleetlake-dash-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

describe('ClickHouse data source provisioning', () => {
  it('is the official plugin with a fixed uid, every connection value from the environment', () => {
    const ds = loadDatasource();
    expect(ds.type).toBe(CLICKHOUSE_PLUGIN_ID);
    expect(ds.uid).toBe('fleetlake-clickhouse');
    const { host, port, protocol, defaultDatabase, username } = ds.jsonData;
    for (const value of [host, port, protocol, defaultDatabase, username, ds.secureJsonData?.password]) {
      expect(value).toMatch(/^\$\{[A-Z_]+\}$/);
    }
  });

  it('loads as the plugin reads it once Grafana fills in the environment', () => {
    const ds = loadDatasource(ENV);
    expect(ds.jsonData).toMatchObject({ host: 'clickhouse', port: '8123', protocol: 'http', defaultDatabase: 'fleet', username: 'fleetlake_reader' });
    expect(ds.secureJsonData?.password).toBe('secret');
    expect(ds.jsonData.customSettings).toContainEqual({ setting: 'geotoh3_argument_order', value: 'lat_lon' });
  });

  it.each([
    ['an unset host', { CLICKHOUSE_HOST: undefined }, 'jsonData.host is empty'],
    ['a port that is no number', { CLICKHOUSE_PORT: '81x' }, 'jsonData.port "81x" is not a port number'],
    ['an unknown protocol', { CLICKHOUSE_PROTOCOL: 'grpc' }, 'jsonData.protocol "grpc" must be native or http'],
  ])('refuses %s, naming the file and the key', (_what, change, message) => {
    expect(() => loadDatasource({ ...ENV, ...change })).toThrow(message);
  });

  it('refuses a file that is not one ClickHouse data source with a uid and plugin version', () => {
    expect(() => loadDatasource(ENV, file('bad.yaml', 'apiVersion: 1\ndatasources: [{type: x}, {type: y}]\n'))).toThrow('bad.yaml: needs apiVersion: 1 and exactly one entry under datasources');
    expect(() => loadDatasource(ENV, file('no-uid.yaml', `apiVersion: 1\ndatasources: [{type: ${CLICKHOUSE_PLUGIN_ID}}]\n`))).toThrow('needs a fixed uid');
    expect(() => loadDatasource(ENV, file('broken.yaml', 'apiVersion: [1\n'))).toThrow('broken.yaml: not readable YAML');
  });
});

describe("Grafana's environment interpolation of provisioning values", () => {
  it('expands $NAME and ${NAME}, keeps $$ as a dollar and blanks unset names', () => {
    const env = { A: 'x', B_2: 'y' };
    expect(interpolateEnv('${A}:$B_2/$$A/$UNSET/{{ $$values.B }}', env)).toBe('x:y/$A//{{ $values.B }}');
    expect(interpolateEnv('cost $ 5, ${} gone, ${A', env)).toBe('cost $ 5,  gone, A');
    expect(interpolateEnv({ list: ['$A', 1], nested: { v: '${B_2}' } }, env)).toEqual({ list: ['x', 1], nested: { v: 'y' } });
  });
});

describe('dashboard provider', () => {
  it('loads the JSON files into the fleetlake folder from an absolute path', () => {
    const provider = loadDashboardProvider();
    expect(provider).toMatchObject({ type: 'file', folder: 'fleetlake', options: { path: '/var/lib/grafana/dashboards/fleetlake' } });
  });

  it('refuses a provider that is not a file provider', () => {
    expect(() => loadDashboardProvider(file('p.yaml', 'apiVersion: 1\nproviders: [{name: x, type: db, options: {path: /x}}]\n'))).toThrow('the provider must be of type file');
  });
});
