import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Area, Peer, VehicleCount } from './peer-queries.ts';

const CLI = fileURLToPath(new URL('../../bin/fleetlake.js', import.meta.url));
const run = promisify(execFile);

export interface Backfill {
  readonly vehicles: number;
  readonly interval: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly seed: number;
}

/** `fleetlake generate --sink file:PATH` over the period: the NDJSON both systems load. */
export async function generateNdjson(file: string, backfill: Backfill): Promise<number> {
  const started = performance.now();
  await new FleetlakeLake('').command([
    'generate', '--sink', `file:${file}`, '--vehicles', String(backfill.vehicles), '--interval', backfill.interval,
    '--from', new Date(backfill.fromMs).toISOString(), '--to', new Date(backfill.toMs).toISOString(), '--seed', String(backfill.seed),
  ]);
  return (performance.now() - started) / 1000;
}

/**
 * fleetlake driven as its users drive it: the `fleetlake` command for migrate,
 * ingest and SQL, and `fleetlake serve` answering over HTTP on loopback. Each
 * command is its own process on one embedded data directory, one at a time
 * (one process owns an embedded lake).
 */
export class FleetlakeLake {
  readonly env: NodeJS.ProcessEnv;

  constructor(dataDir: string, settings: Readonly<Record<string, string>> = {}) {
    this.env = { ...process.env, FLEETLAKE_DATA_DIR: dataDir, FLEETLAKE_LOG_LEVEL: 'warn', FLEETLAKE_INGEST_METRICS_PORT: '0', ...settings };
    delete this.env.CLICKHOUSE_URL;
    delete this.env.KAFKA_BROKERS;
  }

  async command(args: readonly string[]): Promise<string> {
    try {
      const { stdout } = await run(process.execPath, [CLI, ...args], { env: this.env, maxBuffer: 64 << 20 });
      return stdout;
    } catch (err) {
      const e = err as Error & { stderr?: string; stdout?: string };
      throw new Error(`fleetlake ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`, { cause: err });
    }
  }

  /** `fleetlake ingest --source file:PATH`, timed from spawn to exit (the whole command, as a user waits for it). */
  async ingestFile(file: string): Promise<{ rows: number; seconds: number }> {
    const started = performance.now();
    const out = await this.command(['ingest', '--source', `file:${file}`]);
    const seconds = (performance.now() - started) / 1000;
    const rows = Number(/(\d+) positions inserted/.exec(out)?.[1] ?? Number.NaN);
    return { rows, seconds };
  }

  async sql(query: string): Promise<string> {
    return (await this.command(['sql', '--format', 'TSV', query])).trim();
  }

  /** Merges the month's parts into few large ones: the steady state of history (bench:query measures there too). */
  async optimize(): Promise<number> {
    const started = performance.now();
    await this.sql('OPTIMIZE TABLE fleet.positions FINAL');
    return (performance.now() - started) / 1000;
  }

  async positionsBytes(): Promise<{ rows: number; bytes: number; parts: number }> {
    const [rows, bytes, parts] = (await this.sql("SELECT sum(rows), sum(bytes_on_disk), count() FROM system.parts WHERE active AND database = 'fleet' AND table = 'positions'")).split('\t').map(Number);
    return { rows: rows ?? 0, bytes: bytes ?? 0, parts: parts ?? 0 };
  }

  /** `fleetlake serve --port 0`: resolves with the API's address once it listens. */
  async serve(): Promise<FleetlakeApi> {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const address = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        const found = /fleetlake API on (http:\/\/\S+)/.exec(output);
        if (found) resolve(found[1]!.replace(/;$/, ''));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`fleetlake serve exited (${code}) before listening: ${output}`)));
    });
    return new FleetlakeApi(address, child);
  }
}

/** The query API over HTTP, as a client application calls it. */
export class FleetlakeApi implements Peer {
  readonly name = 'fleetlake';

  constructor(
    readonly address: string,
    private readonly child: ChildProcess,
  ) {}

  async areaVehicles(area: Area, fromIso: string, toIso: string): Promise<VehicleCount[]> {
    const body = await this.call<{ vehicles: VehicleCount[]; truncated: boolean }>('/v1/area-query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ area: 'geometry' in area ? area.geometry : { district_id: area.districtId }, from: fromIso, to: toIso, moving_only: false, limit: 10_000 }),
    });
    if (body.truncated) throw new Error('bench:peers: an area answer was truncated at 10,000 vehicles; use a smaller fleet');
    return body.vehicles.map((v) => ({ vehicle_id: v.vehicle_id, positions: v.positions }));
  }

  /** Epoch milliseconds of each position of the track, in time order. */
  async trackTimes(vehicleId: string, fromIso: string, toIso: string): Promise<number[]> {
    const text = await this.callText(`/v1/vehicles/${encodeURIComponent(vehicleId)}/track?from=${encodeURIComponent(fromIso)}&to=${encodeURIComponent(toIso)}&format=ndjson&limit=100000`);
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => Date.parse((JSON.parse(line) as { ts: string }).ts));
  }

  async districtCount(districtId: string, atIso: string): Promise<number> {
    return (await this.call<{ vehicles: number }>(`/v1/districts/${encodeURIComponent(districtId)}/count?ts=${encodeURIComponent(atIso)}`)).vehicles;
  }

  async districtIds(): Promise<string[]> {
    return (await this.call<{ districts: { id: string }[] }>('/v1/districts')).districts.map((d) => d.id);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    return JSON.parse(await this.callText(path, init)) as T;
  }

  private async callText(path: string, init?: RequestInit): Promise<string> {
    const response = await fetch(`${this.address}${path}`, init);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`fleetlake ${path}: ${response.status} ${text}`);
    return text;
  }
}
