import { readdirSync, readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc CPU times (USER_HZ). */
const USER_HZ = 100;

/** CPU time in ms spent so far by the Chromium processes this process started, by kind. */
export interface ChromiumCpu {
  /** The pages' renderers: their main threads (the page's JS, style, layout) and compositor threads. */
  readonly renderer: number;
  /** The GPU process: with software WebGL (SwiftShader) this is where the rasterising happens. */
  readonly gpu: number;
  /** The browser process and its helpers (network, storage). */
  readonly other: number;
}

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly ms: number;
  readonly cmdline: string;
}

function readProc(pid: number): Proc | undefined {
  try {
    // Fields after the command name's closing parenthesis: state ppid … utime (12th) stime (13th).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return { pid, ppid: Number(fields[1]), ms: ((Number(fields[11]) + Number(fields[12])) / USER_HZ) * 1000, cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

/**
 * Chromium's CPU by process kind, from /proc (Linux): playwright-core starts
 * Chromium as a child of this Node process, so the descendants of this
 * process whose command line is Chromium's are this run's browser and no
 * other session's. A CPU time, unlike a wall time, holds on a loaded machine.
 */
export function chromiumCpu(root = process.pid): ChromiumCpu {
  const procs = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map((name) => readProc(Number(name))).filter((p) => p !== undefined);
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const totals = { renderer: 0, gpu: 0, other: 0 };
  const visit = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (/chrom/i.test(child.cmdline)) {
        if (child.cmdline.includes('--type=renderer')) totals.renderer += child.ms;
        else if (child.cmdline.includes('--type=gpu-process')) totals.gpu += child.ms;
        else totals.other += child.ms;
      }
      visit(child.pid);
    }
  };
  visit(root);
  return totals;
}
