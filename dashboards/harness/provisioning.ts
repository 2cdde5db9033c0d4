import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { FleetlakeError } from '../../core/errors.ts';

/**
 * Reads the Grafana provisioning files of dashboards/ the way Grafana does
 * (YAML, then `$VAR` / `${VAR}` replaced from the environment in string values)
 * and checks what the plugin's LoadSettings would refuse.
 */
export const DASHBOARDS_DIR = fileURLToPath(new URL('../', import.meta.url));
export const PROVISIONING_DIR = join(DASHBOARDS_DIR, 'provisioning');
export const DASHBOARD_JSON_DIR = join(DASHBOARDS_DIR, 'json');
export const DATASOURCE_FILE = join(PROVISIONING_DIR, 'datasources', 'clickhouse.yaml');
export const PROVIDER_FILE = join(PROVISIONING_DIR, 'dashboards', 'fleetlake.yaml');
export const ALERT_RULES_FILE = join(PROVISIONING_DIR, 'alerting', 'fleetlake-alerts.yaml');

export const CLICKHOUSE_PLUGIN_ID = 'grafana-clickhouse-datasource';

export interface CustomSetting {
  readonly setting: string;
  readonly value: string;
}

export interface ClickHouseDatasource {
  readonly name: string;
  readonly uid: string;
  readonly type: string;
  readonly jsonData: {
    readonly host: string;
    readonly port: string | number;
    readonly protocol: string;
    readonly defaultDatabase: string;
    readonly username: string;
    /** The plugin version the configuration is written for; every query target repeats it. */
    readonly version: string;
    readonly customSettings?: readonly CustomSetting[];
  };
  readonly secureJsonData?: { readonly password?: string };
}

type Env = Readonly<Record<string, string | undefined>>;
const bad = (file: string, detail: string) => new FleetlakeError('DASHBOARD_INVALID', { detail: `${file}: ${detail}` });

const SPECIAL = '*#$@!?-0123456789';

/** Go's os.Expand: `$name`, `${name}`, one-character special names; malformed `${` is eaten. */
function goExpand(text: string, lookup: (name: string) => string): string {
  let out = '';
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) {
      out += text[j];
      continue;
    }
    const rest = text.slice(j + 1);
    let name = '';
    let width: number;
    if (rest[0] === '{') {
      const close = rest.indexOf('}');
      if (rest.length > 2 && SPECIAL.includes(rest[1]!) && rest[2] === '}') [name, width] = [rest[1]!, 3];
      else if (close === -1) width = 1;
      else [name, width] = [rest.slice(1, close), close + 1];
    } else if (SPECIAL.includes(rest[0]!)) {
      [name, width] = [rest[0]!, 1];
    } else {
      name = /^[A-Za-z0-9_]*/.exec(rest)![0];
      width = name.length;
    }
    if (name !== '') out += lookup(name);
    else if (width === 0) out += '$';
    j += width;
  }
  return out;
}

/**
 * Grafana's provisioning interpolation of a string value (pkg/services/provisioning/values):
 * `$$` is a literal dollar, anything else goes through os.ExpandEnv (unset names become '').
 */
export function interpolateEnv<T>(value: T, env: Env): T {
  if (typeof value === 'string') return value.split('$$').map((part) => goExpand(part, (name) => env[name] ?? '')).join('$') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => interpolateEnv(v, env)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env)])) as T;
  }
  return value;
}

export function readYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw bad(file, `not readable YAML: ${(err as Error).message}`);
  }
}

/**
 * The one ClickHouse data source, as written (`env` omitted) or as Grafana
 * would load it with `env`; in the latter case the plugin's checks apply.
 */
export function loadDatasource(env?: Env, file = DATASOURCE_FILE): ClickHouseDatasource {
  const raw = readYaml(file) as { apiVersion?: unknown; datasources?: unknown };
  if (raw?.apiVersion !== 1 || !Array.isArray(raw.datasources) || raw.datasources.length !== 1) {
    throw bad(file, 'needs apiVersion: 1 and exactly one entry under datasources');
  }
  const ds = (env ? interpolateEnv(raw.datasources[0], env) : raw.datasources[0]) as ClickHouseDatasource;
  if (ds.type !== CLICKHOUSE_PLUGIN_ID) throw bad(file, `type must be ${CLICKHOUSE_PLUGIN_ID}`);
  if (typeof ds.uid !== 'string' || !/^[\w-]{1,40}$/.test(ds.uid)) throw bad(file, 'needs a fixed uid (dashboards refer to it)');
  if (typeof ds.jsonData?.version !== 'string' || !/^4\.\d+\.\d+$/.test(ds.jsonData.version)) throw bad(file, 'jsonData.version must be the 4.x plugin version');
  if (!env) return ds;
  const { host, port, protocol } = ds.jsonData;
  if (!host || !host.trim()) throw bad(file, 'jsonData.host is empty');
  if (!/^\d+$/.test(String(port)) || Number(port) < 1 || Number(port) > 65535) throw bad(file, `jsonData.port ${JSON.stringify(port)} is not a port number`);
  if (protocol !== 'native' && protocol !== 'http') throw bad(file, `jsonData.protocol ${JSON.stringify(protocol)} must be native or http`);
  return ds;
}

export interface DashboardProvider {
  readonly name: string;
  readonly type: string;
  readonly folder: string;
  readonly options: { readonly path: string };
}

export function loadDashboardProvider(file = PROVIDER_FILE): DashboardProvider {
  const raw = readYaml(file) as { apiVersion?: unknown; providers?: unknown };
  if (raw?.apiVersion !== 1 || !Array.isArray(raw.providers) || raw.providers.length !== 1) {
    throw bad(file, 'needs apiVersion: 1 and exactly one entry under providers');
  }
  const provider = raw.providers[0] as DashboardProvider;
  if (provider.type !== 'file') throw bad(file, 'the provider must be of type file');
  if (typeof provider.options?.path !== 'string' || !provider.options.path.startsWith('/')) throw bad(file, 'options.path must be an absolute path');
  return provider;
}

export interface DashboardFile {
  readonly file: string;
  readonly json: unknown;
}

/** Every dashboard JSON file the provider will load. */
export function loadDashboardFiles(dir = DASHBOARD_JSON_DIR): DashboardFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      try {
        return { file: name, json: JSON.parse(readFileSync(file, 'utf8')) as unknown };
      } catch (err) {
        throw bad(name, `not valid JSON: ${(err as Error).message}`);
      }
    });
}
