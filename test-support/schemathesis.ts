import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REQUIREMENTS = join(ROOT, 'test-support/schemathesis-requirements.txt');
const VENV = join(ROOT, '.cache/schemathesis-venv');

/**
 * The schemathesis CLI, installed on first use from the pinned requirements
 * into a virtualenv under .cache (PyPI through pip): the project's own files
 * install it, so a fresh clone needs only Python 3 with venv
 * (Debian/Ubuntu: apt-get install python3-venv). Reinstalled when the pin changes.
 */
export async function ensureSchemathesis(): Promise<string> {
  const pins = readFileSync(REQUIREMENTS, 'utf8');
  const stamp = join(VENV, '.fleetlake-requirements');
  const wanted = createHash('sha256').update(pins).digest('hex');
  const st = join(VENV, 'bin', 'st');
  if (existsSync(st) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return st;
  try {
    await run('python3', ['-m', 'venv', '--clear', VENV]);
  } catch (err) {
    throw new Error(`schemathesis needs Python 3 with venv (Debian/Ubuntu: apt-get install python3-venv): ${(err as Error).message}`, { cause: err });
  }
  await run(join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS], { maxBuffer: 16 * 1024 * 1024 });
  writeFileSync(stamp, wanted);
  return st;
}
