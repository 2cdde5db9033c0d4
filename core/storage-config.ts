import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FleetlakeConfig } from './config.ts';

/** The server's storage policy, the one source for both modes. */
export const STORAGE_POLICY_FILE = fileURLToPath(new URL('../schema/clickhouse/config.d/storage-policy.xml', import.meta.url));

/** The same policy with `cold` on an S3-compatible disk, for servers (generated from the file above: renderServerS3StorageConfig). */
export const S3_STORAGE_POLICY_FILE = fileURLToPath(new URL('../schema/clickhouse/cold-s3/storage-policy.xml', import.meta.url));

const SERVER_DISK_ROOT = '/var/lib/clickhouse/disks/';

/** An XML element's content: a value, or `from_env`, which the server resolves from its own environment when it starts. */
type XmlValue = { readonly value: string } | { readonly env: string };

/** The S3-compatible disk of the cold volume. `url` is the endpoint, bucket and key prefix in one, as ClickHouse takes it. */
export interface ColdS3Disk {
  readonly url: XmlValue;
  readonly accessKeyId: XmlValue;
  readonly secretAccessKey: XmlValue;
  readonly region: XmlValue;
}

/**
 * What a server reads: the environment variables its container sets. One URL
 * per server, so that each replica keeps its own objects (ClickHouse's
 * zero-copy replication is off by default, for good reasons: docs/storage.md).
 */
export const SERVER_COLD_S3_ENV: ColdS3Disk = {
  url: { env: 'FLEETLAKE_COLD_S3_URL' },
  accessKeyId: { env: 'FLEETLAKE_COLD_S3_ACCESS_KEY_ID' },
  secretAccessKey: { env: 'FLEETLAKE_COLD_S3_SECRET_ACCESS_KEY' },
  region: { env: 'FLEETLAKE_COLD_S3_REGION' },
};

/** The cold disk the configuration asks for: undefined keeps it on local disk. */
export function configuredColdS3(storage: FleetlakeConfig['storage']): ColdS3Disk | undefined {
  if (!storage.cold_s3_endpoint) return undefined;
  const url = new URL(`${storage.cold_s3_bucket}/${storage.cold_s3_prefix}`, storage.cold_s3_endpoint.replace(/\/*$/, '/'));
  return {
    url: { value: url.href.replace(/\/*$/, '/') },
    accessKeyId: { value: storage.cold_s3_access_key_id },
    secretAccessKey: { value: storage.cold_s3_secret_access_key },
    region: { value: storage.cold_s3_region },
  };
}

/** The storage policy with the disk paths under `diskRoot` and, when given, `cold` on object storage. */
export function renderStorageConfig(diskRoot: string, coldS3?: ColdS3Disk): string {
  const xml = readFileSync(STORAGE_POLICY_FILE, 'utf8');
  if (!xml.includes(SERVER_DISK_ROOT) || !/<cold>\s*<type>local<\/type>[\s\S]*?<\/cold>/.test(xml)) {
    throw new Error(`${STORAGE_POLICY_FILE} no longer has a local cold disk under ${SERVER_DISK_ROOT}; update core/storage-config.ts`);
  }
  const withCold = coldS3 ? xml.replace(/<cold>\s*<type>local<\/type>[\s\S]*?<\/cold>/, s3Disk(coldS3)) : xml;
  return withCold.replaceAll(SERVER_DISK_ROOT, diskRoot);
}

/** The checked-in S3 variant for servers; a test regenerates it and fails on any difference. */
export function renderServerS3StorageConfig(): string {
  const header =
    '<!-- Generated from storage-policy.xml by core/storage-config.ts (renderServerS3StorageConfig): do not edit.\n' +
    '     The same policy with the cold volume on an S3-compatible disk. Mount it INSTEAD of storage-policy.xml and set\n' +
    `     ${Object.values(SERVER_COLD_S3_ENV).map((v: { env: string }) => v.env).join(', ')} in the server's environment. -->\n`;
  return header + renderStorageConfig(SERVER_DISK_ROOT, SERVER_COLD_S3_ENV).replace(/^<!--[\s\S]*?-->\n/, '');
}

/**
 * Writes the storage policy for an embedded data directory (disk paths moved
 * under it, `cold` on object storage when configured) and returns the file's
 * path, for `--config-file`. The file may hold the S3 secret: only its owner reads it.
 */
export function writeEmbeddedStorageConfig(dataDir: string, coldS3?: ColdS3Disk): string {
  const root = resolve(dataDir);
  const diskRoot = join(root, 'disks') + '/';
  mkdirSync(diskRoot, { recursive: true });
  const target = join(root, 'fleetlake-storage.xml');
  writeFileSync(target, renderStorageConfig(diskRoot, coldS3), { mode: 0o600 });
  chmodSync(target, 0o600);
  return target;
}

function s3Disk(disk: ColdS3Disk): string {
  const element = (name: string, v: XmlValue) => ('env' in v ? `<${name} from_env="${v.env}"/>` : `<${name}>${escapeXml(v.value)}</${name}>`);
  return [
    '<cold>',
    '        <type>s3</type>',
    `        ${element('endpoint', disk.url)}`,
    `        ${element('access_key_id', disk.accessKeyId)}`,
    `        ${element('secret_access_key', disk.secretAccessKey)}`,
    `        ${element('region', disk.region)}`,
    // Which objects make up a part is kept on local disk; the objects themselves in the bucket.
    `        <metadata_path>${SERVER_DISK_ROOT}cold/</metadata_path>`,
    '      </cold>',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
