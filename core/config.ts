import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONFIG_SPEC, type FieldSpec, type FleetlakeConfig } from './config-spec.ts';
import { FleetlakeError, errorMessage } from './errors.ts';

export type { FleetlakeConfig } from './config-spec.ts';

export const DEFAULT_CONFIG_FILE = 'fleetlake.yaml';

export interface LoadConfigOptions {
  /** Explicit config file; otherwise `FLEETLAKE_CONFIG`, otherwise `./fleetlake.yaml` when it exists. */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Values that win over file and environment (command-line flags, tests), same shape as the YAML. */
  readonly overrides?: Record<string, Record<string, unknown>>;
}

type Source = { readonly kind: 'default' | 'file' | 'env' | 'override'; readonly where: string };

/**
 * Builds the configuration once at start-up: defaults, then the YAML file, then
 * environment variables, then explicit overrides. Every value is validated and
 * a bad one fails with the key, the value, where it came from and what is allowed.
 */
export function loadConfig(options: LoadConfigOptions = {}): FleetlakeConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const fileValues = readConfigFile(options.file ?? env.FLEETLAKE_CONFIG, cwd);

  const result: Record<string, Record<string, unknown>> = {};
  for (const [sectionName, section] of Object.entries(CONFIG_SPEC) as [string, Record<string, FieldSpec<unknown>>][]) {
    const values: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(section)) {
      const candidates: [unknown, Source][] = [];
      const fromFile = fileValues.values[sectionName]?.[key];
      if (fromFile !== undefined) candidates.push([fromFile, { kind: 'file', where: fileValues.path ?? '' }]);
      if (spec.env && env[spec.env] !== undefined) candidates.push([env[spec.env], { kind: 'env', where: spec.env }]);
      const fromOverride = options.overrides?.[sectionName]?.[key];
      if (fromOverride !== undefined) candidates.push([fromOverride, { kind: 'override', where: 'command line' }]);

      values[key] = spec.default;
      for (const [raw, source] of candidates) values[key] = parseField(`${sectionName}.${key}`, spec, raw, source);
    }
    result[sectionName] = Object.freeze(values);
  }
  const config = Object.freeze(result) as unknown as FleetlakeConfig;
  checkCrossFieldRules(config);
  return config;
}

function parseField(key: string, spec: FieldSpec<unknown>, raw: unknown, source: Source): unknown {
  // An empty value unsets an optional key (CLICKHOUSE_URL= means "embedded"), as in most twelve-factor tools.
  if (spec.default === undefined && (raw === '' || raw === null)) return undefined;
  const parsed = spec.parse(raw);
  if (parsed !== undefined) return parsed;
  const origin = source.kind === 'env' ? ` (from environment variable ${source.where})` : source.kind === 'file' ? ` (in ${source.where})` : '';
  throw new FleetlakeError('CONFIG_INVALID', {
    detail: `config: ${key} = ${JSON.stringify(raw)}${origin} is not allowed: expected ${spec.allowed}`,
  });
}

function readConfigFile(file: string | undefined, cwd: string): { path?: string; values: Record<string, Record<string, unknown>> } {
  const path = file ? resolve(cwd, file) : resolve(cwd, DEFAULT_CONFIG_FILE);
  if (!file && !existsSync(path)) return { values: {} };
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FleetlakeError('CONFIG_FILE_UNREADABLE', { path, detail: errorMessage(err) }, { cause: err });
  }
  if (parsed === null || parsed === undefined) return { path, values: {} };
  if (!isRecord(parsed)) {
    throw new FleetlakeError('CONFIG_INVALID', { detail: `config: ${path} must be a mapping of sections (${sectionNames()})` });
  }
  for (const [sectionName, section] of Object.entries(parsed)) {
    const spec = (CONFIG_SPEC as Record<string, Record<string, unknown>>)[sectionName];
    if (!spec) {
      throw new FleetlakeError('CONFIG_INVALID', {
        detail: `config: unknown section "${sectionName}" in ${path}; allowed sections: ${sectionNames()}`,
      });
    }
    if (!isRecord(section)) {
      throw new FleetlakeError('CONFIG_INVALID', { detail: `config: section "${sectionName}" in ${path} must be a mapping of keys` });
    }
    for (const key of Object.keys(section)) {
      if (!(key in spec)) {
        throw new FleetlakeError('CONFIG_INVALID', {
          detail: `config: unknown key "${sectionName}.${key}" in ${path}; allowed keys in ${sectionName}: ${Object.keys(spec).join(', ')}`,
        });
      }
    }
  }
  return { path, values: parsed as Record<string, Record<string, unknown>> };
}

function checkCrossFieldRules(config: FleetlakeConfig): void {
  if (config.storage.cold_s3_endpoint && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(config.storage.cold_s3_bucket)) {
    throw new FleetlakeError('CONFIG_INVALID', {
      detail: `config: storage.cold_s3_endpoint is set, so storage.cold_s3_bucket (FLEETLAKE_COLD_S3_BUCKET) must name a bucket (3 to 63 of a-z 0-9 . -), not ${JSON.stringify(config.storage.cold_s3_bucket)}`,
    });
  }
  const { hot, delete_after } = config.retention;
  if (hot.ms >= delete_after.ms) {
    throw new FleetlakeError('CONFIG_INVALID', {
      detail: `config: retention.hot = ${hot.text} must be shorter than retention.delete_after = ${delete_after.text}: shorten the hot period (FLEETLAKE_RETENTION_HOT) or keep positions longer (FLEETLAKE_RETENTION_DELETE_AFTER)`,
    });
  }
}

/** Every environment variable the configuration reads (used by the compose checks and `--help`). */
export function configEnvironmentVariables(): string[] {
  const names = ['FLEETLAKE_CONFIG'];
  for (const section of Object.values(CONFIG_SPEC) as Record<string, FieldSpec<unknown>>[]) {
    for (const spec of Object.values(section)) if (spec.env) names.push(spec.env);
  }
  return names;
}

function sectionNames(): string {
  return Object.keys(CONFIG_SPEC).join(', ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
