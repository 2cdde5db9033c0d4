import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { FleetlakeError } from '../core/errors.ts';

/** Debian's chromium package; the browser tests and bench:map drive it with playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get install -y chromium';

/**
 * Flags for a quiet, self-contained headless run: no GPU (WebGL through
 * SwiftShader, Chromium's software renderer), no network of its own (QUIC,
 * component updates, sync, background fetches).
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's chromium when it is missing and this runs as root; otherwise says which command to run. */
export function ensureChromium(executable = CHROMIUM, uid = process.getuid?.()): string {
  if (existsSync(executable)) return executable;
  if (uid !== 0) {
    throw new FleetlakeError('CHROMIUM_MISSING', { detail: `the browser tests need Chromium at ${executable}: run \`sudo ${INSTALL}\` (Debian/Ubuntu)` });
  }
  const result = spawnSync('sh', ['-c', `DEBIAN_FRONTEND=noninteractive ${INSTALL} || (apt-get update && DEBIAN_FRONTEND=noninteractive ${INSTALL})`], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0 || !existsSync(executable)) {
    throw new FleetlakeError('CHROMIUM_MISSING', { detail: `\`${INSTALL}\` failed (exit ${result.status}); see its output above` });
  }
  return executable;
}

export interface Browser {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Chromium with a fresh profile in a temporary directory. */
export async function launchChromium(viewport = { width: 1280, height: 800 }): Promise<Browser> {
  const executablePath = ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'fleetlake-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS, viewport });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
