import { randomArea } from '../../queries/testing/random-areas.ts';
import type { SeededRandom } from '../../queries/testing/seeded-random.ts';

/** A stored district by id, or a GeoJSON Polygon/MultiPolygon. */
export type Area = { readonly geometry: object } | { readonly districtId: string };

export interface VehicleCount {
  readonly vehicle_id: string;
  readonly positions: number;
}

/** One system under comparison: the questions both answer, each the way that system's users ask it. */
export interface Peer {
  readonly name: string;
  /** Vehicles with a position inside the area in [from, to), in vehicle_id order, with how many positions matched. */
  areaVehicles(area: Area, fromIso: string, toIso: string): Promise<VehicleCount[]>;
  /** Epoch milliseconds of each position of one vehicle in [from, to), in time order. */
  trackTimes(vehicleId: string, fromIso: string, toIso: string): Promise<number[]>;
  /** Vehicles whose last position in (at - lookback, at] lies inside the district. */
  districtCount(districtId: string, atIso: string): Promise<number>;
  /** The stored districts' ids with their shapes, in id order: a trivial query, the floor under every other. */
  districtIds(): Promise<string[]>;
}

/** What the random questions are drawn from. */
export interface DataSpan {
  readonly fromMs: number;
  readonly toMs: number;
  readonly districtIds: readonly string[];
  /** Positions from the data ([lon, lat]) and their vehicles: streets are where vehicles drive. */
  readonly sample: readonly { readonly vehicleId: string; readonly lon: number; readonly lat: number }[];
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const SCENARIOS = [
  { id: 'district-1h', label: 'area: district, 1 hour' },
  { id: 'district-1d', label: 'area: district, 1 day' },
  { id: 'street-1h', label: 'area: street, 1 hour' },
  { id: 'street-1d', label: 'area: street, 1 day' },
  { id: 'track-1d', label: 'one vehicle’s track, 1 day' },
  { id: 'count-instant', label: 'vehicles in a district at an instant' },
  { id: 'list-districts', label: 'list the 16 districts with their shapes (the floor)' },
] as const;
export type ScenarioId = (typeof SCENARIOS)[number]['id'];

export interface QueryCase {
  readonly scenario: ScenarioId;
  /** The question in words, for a failure message. */
  readonly describe: string;
  ask(peer: Peer): Promise<unknown>;
}

/** A random question of the scenario inside the data: district by id, street-like sliver around a sampled position, period placed at random. */
export function randomCase(scenario: ScenarioId, random: SeededRandom, data: DataSpan): QueryCase {
  const span = data.toMs - data.fromMs;
  const period = (ms: number) => {
    const length = Math.min(ms, span);
    const from = data.fromMs + Math.floor(random.float() * (span - length));
    return [new Date(from).toISOString(), new Date(from + length).toISOString()] as const;
  };
  const district = () => data.districtIds[random.int(data.districtIds.length)]!;
  const sampled = () => data.sample[random.int(data.sample.length)]!;
  switch (scenario) {
    case 'district-1h':
    case 'district-1d': {
      const area = { districtId: district() };
      const [from, to] = period(scenario === 'district-1h' ? HOUR_MS : DAY_MS);
      return { scenario, describe: `district ${area.districtId} from ${from} to ${to}`, ask: (peer) => peer.areaVehicles(area, from, to) };
    }
    case 'street-1h':
    case 'street-1d': {
      const s = sampled();
      const area = { geometry: randomArea(random, 'sliver', [s.lon, s.lat]).geometry };
      const [from, to] = period(scenario === 'street-1h' ? HOUR_MS : DAY_MS);
      return { scenario, describe: `street ${JSON.stringify(area.geometry)} from ${from} to ${to}`, ask: (peer) => peer.areaVehicles(area, from, to) };
    }
    case 'track-1d': {
      const vehicleId = sampled().vehicleId;
      const [from, to] = period(DAY_MS);
      return { scenario, describe: `track of ${vehicleId} from ${from} to ${to}`, ask: (peer) => peer.trackTimes(vehicleId, from, to) };
    }
    case 'count-instant': {
      const id = district();
      const at = new Date(data.fromMs + Math.floor(random.float() * span)).toISOString();
      return { scenario, describe: `vehicles in district ${id} at ${at}`, ask: (peer) => peer.districtCount(id, at) };
    }
    case 'list-districts':
      return { scenario, describe: 'the districts', ask: (peer) => peer.districtIds() };
  }
}

export interface CaseResult {
  /** Wall-clock milliseconds per peer, in the order the peers were given. */
  readonly ms: number[];
  /** Vehicles in the answer (area), positions (track) or the count. */
  readonly size: number;
}

/**
 * Asks every peer the same question, timed one after the other, and fails
 * when their answers differ: a speed comparison is only worth something
 * between systems that give the same answer. `firstPeer` rotates who goes
 * first, so neither always meets a machine the other has just warmed or tired.
 */
export async function askBoth(question: QueryCase, peers: readonly Peer[], firstPeer = 0): Promise<CaseResult> {
  const ms: number[] = new Array<number>(peers.length).fill(0);
  const answers: unknown[] = new Array<unknown>(peers.length);
  for (let k = 0; k < peers.length; k++) {
    const i = (firstPeer + k) % peers.length;
    const started = performance.now();
    answers[i] = await question.ask(peers[i]!);
    ms[i] = performance.now() - started;
  }
  const texts = answers.map((a) => JSON.stringify(a));
  for (let i = 1; i < peers.length; i++) {
    if (texts[i] !== texts[0]) throw new AnswersDiffer(question, peers[0]!.name, answers[0], peers[i]!.name, answers[i]);
  }
  const first = answers[0];
  return { ms, size: Array.isArray(first) ? first.length : Number(first) };
}

export class AnswersDiffer extends Error {
  constructor(question: QueryCase, nameA: string, a: unknown, nameB: string, b: unknown) {
    super(`${nameA} and ${nameB} answered differently: ${question.describe}\n${describeDifference(nameA, a, nameB, b)}`);
  }
}

function describeDifference(nameA: string, a: unknown, nameB: string, b: unknown): string {
  if (!Array.isArray(a) || !Array.isArray(b)) return `${nameA}: ${JSON.stringify(a)}, ${nameB}: ${JSON.stringify(b)}`;
  const key = (x: unknown) => JSON.stringify(x);
  const inB = new Set(b.map(key));
  const inA = new Set(a.map(key));
  const onlyA = a.filter((x) => !inB.has(key(x))).slice(0, 10);
  const onlyB = b.filter((x) => !inA.has(key(x))).slice(0, 10);
  return `${a.length} vs ${b.length} items; only ${nameA} (first 10): ${JSON.stringify(onlyA)}; only ${nameB} (first 10): ${JSON.stringify(onlyB)}`;
}
