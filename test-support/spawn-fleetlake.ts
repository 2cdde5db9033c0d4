import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../bin/fleetlake.js', import.meta.url));

export interface FleetlakeChild {
  readonly process: ChildProcess;
  /** The exit code, or null when a signal ended the process. */
  readonly exited: Promise<number | null>;
  /** stdout and stderr so far, interleaved as they came. */
  readonly output: () => string;
}

/**
 * `fleetlake <args>` in a process of its own, as a supervisor runs it: what a
 * signal does is only visible there. `nodeArgs` go to node itself (a
 * benchmark's --cpu-prof, which NODE_OPTIONS does not take).
 */
export function spawnFleetlake(args: readonly string[], env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): FleetlakeChild {
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { process: child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), output: () => output };
}
