import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS } from '../cli/commands.ts';
import { configEnvironmentVariables } from '../core/config.ts';

/**
 * The static checks every compose file of the project gets (no Docker engine
 * runs where the tests run): the Compose JSON Schema, pinned images, real
 * fleetlake commands and flags, known environment variables, mounts that
 * exist, and health-ordered dependencies on services that exist.
 */

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const COMPOSE_SCHEMA = join(REPO_ROOT, 'deploy/compose-spec.json');

export interface Service {
  image?: string;
  build?: unknown;
  hostname?: string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number | string };
}

export interface ComposeFile {
  readonly path: string;
  readonly services: Record<string, Service>;
  /** The whole document with YAML merge keys applied, as docker compose validates it. */
  readonly document: unknown;
}

export function readCompose(relativePath: string): ComposeFile {
  const path = join(REPO_ROOT, relativePath);
  const text = readFileSync(path, 'utf8');
  const document = parse(text, { merge: true }) as { services: Record<string, Service> };
  return { path, services: document.services, document };
}

export const commandOf = (s: Service): string[] => (Array.isArray(s.command) ? s.command : [s.command ?? '']);
export const fleetlakeServices = (c: ComposeFile): [string, Service][] => Object.entries(c.services).filter(([, s]) => s.build !== undefined);

/** What the Compose JSON Schema finds wrong with a document: empty when valid. */
export function composeSchemaErrors(document: unknown): string[] {
  // The schema names its draft by an https:// URL that ajv's bundled draft-07 meta-schema does not carry; the schema itself is draft-07.
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(COMPOSE_SCHEMA, 'utf8')) as object);
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

export function expectValidAgainstComposeSchema(compose: ComposeFile): void {
  expect(composeSchemaErrors(compose.document), compose.path).toEqual([]);
}

export function expectPinnedImages(compose: ComposeFile): void {
  for (const [name, service] of Object.entries(compose.services).filter(([, s]) => s.build === undefined)) {
    const tag = service.image?.split(':').pop() ?? '';
    expect(tag, `${name}: ${service.image}`).toMatch(/^v?\d+(\.\d+)+/);
  }
}

/** Every fleetlake service runs a real command with flags its --help lists. */
export function expectRealCommands(compose: ComposeFile): void {
  for (const [name, service] of fleetlakeServices(compose)) {
    const [commandName, ...args] = commandOf(service);
    const cli = COMMANDS.find((c) => c.name === commandName);
    expect(cli, `${name}: fleetlake ${commandName}`).toBeDefined();
    for (const flag of args.filter((a) => a.startsWith('--'))) expect(cli?.help, `${name}: ${flag}`).toContain(flag);
  }
}

export function expectKnownEnvironment(compose: ComposeFile): void {
  const known = new Set(configEnvironmentVariables());
  for (const [name, service] of fleetlakeServices(compose)) {
    for (const key of Object.keys(service.environment ?? {})) expect(known.has(key), `${name}: ${key}`).toBe(true);
  }
}

/** Bind mounts (paths relative to the compose file) name files that exist. */
export function expectMountsExist(compose: ComposeFile): void {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('.')) expect(existsSync(resolve(dirname(compose.path), source)), `${name}: ${source}`).toBe(true);
    }
  }
}

export function expectHealthOrderedDependencies(compose: ComposeFile): void {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      const target = compose.services[dependency];
      expect(target, `${name} depends on ${dependency}`).toBeDefined();
      if (condition === 'service_healthy') expect(target?.healthcheck, `${dependency} has a healthcheck`).toBeDefined();
    }
  }
}
