import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../broker/local-kafka.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const REQUIREMENTS = fileURLToPath(new URL('./s3-server-requirements.txt', import.meta.url));

export interface S3Server {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** The keys of the objects in a bucket (the first 1000). */
  listObjects(bucket: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Makes sure moto's S3 server (pinned in s3-server-requirements.txt) is
 * installed in a virtualenv under .cache/ and returns its executable. The
 * first call installs it from PyPI with pip (about 30 s); later calls reuse it.
 */
export function ensureS3Server(): string {
  const pinned = readFileSync(REQUIREMENTS, 'utf8');
  const venv = join(REPO_ROOT, '.cache', `moto-${/==([\w.]+)/.exec(pinned)?.[1] ?? 'unpinned'}`);
  const server = join(venv, 'bin', 'moto_server');
  // A virtualenv records its own path, so it is built in place; the marker says the install finished.
  const complete = join(venv, '.fleetlake-complete');
  if (existsSync(complete)) return server;
  rmSync(venv, { recursive: true, force: true });
  const run = (cmd: string, args: string[]) => {
    const result = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`installing the S3 test server failed: ${cmd} ${args.join(' ')} exited ${result.status}: it needs python3 with venv (Debian/Ubuntu: apt-get install python3-venv) and PyPI`);
  };
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS]);
  writeFileSync(complete, pinned);
  return server;
}

/** Starts moto's S3 server on a free loopback port with the given buckets. */
export async function startS3Server(buckets: readonly string[]): Promise<S3Server> {
  const executable = ensureS3Server();
  const port = await freePort();
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/`)).ok) break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`the S3 test server did not start on ${endpoint}: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  for (const bucket of buckets) await fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
  return {
    endpoint,
    async listObjects(bucket) {
      const xml = await (await fetch(`${endpoint}/${bucket}?list-type=2`)).text();
      return [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
