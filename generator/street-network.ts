import { FleetlakeError } from '../core/errors.ts';
import type { City } from './city.ts';
import { fmix32, mix32, toUnit } from './prng.ts';

/** Link slots per node, in this order. */
export const EAST = 0, NORTH = 1, WEST = 2, SOUTH = 3;
/** Every ARTERIAL_EVERY-th street in each direction is an arterial (faster, crosses the whole city). */
export const ARTERIAL_EVERY = 4;
/** The street layout is part of the city, not of a run: every seed drives on the same streets. */
const NETWORK_SEED = 0x5eed_c17e;
const JITTER_SHARE = 0.3;
const TARGET_NODES = 8000;

/**
 * A street-like network: a jittered lattice of intersections over the whole
 * city (so it looks like a street grid inside each district, and its arterials
 * link the districts), keeping only intersections and streets that stay
 * `marginM` metres inside the city, then only the largest connected part.
 * Built once per city and margin; vehicles read it, never change it.
 */
export interface StreetNetwork {
  readonly city: City;
  readonly spacingM: number;
  readonly marginM: number;
  readonly nodeCount: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Lattice coordinates, used for greedy routing. */
  readonly col: Int32Array;
  readonly row: Int32Array;
  readonly district: Int32Array;
  /** Four slots per node (EAST, NORTH, WEST, SOUTH): the neighbouring node or -1. */
  readonly links: Int32Array;
  /** Four slots per node: 1 when that street is an arterial. */
  readonly arterial: Uint8Array;
  /** Per district: nodes where vehicles live, deliver and park, at least marginM from the district's edge. Empty when the district has no streets. */
  readonly stops: readonly Int32Array[];
}

export interface NetworkOptions {
  /** Streets keep this far from the city's edge, and stops from their district's edge (GPS noise + rounding). */
  readonly marginM: number;
  readonly spacingM?: number;
}

export function buildStreetNetwork(city: City, options: NetworkOptions): StreetNetwork {
  const { marginM } = options;
  const spacingM = options.spacingM ?? Math.round(Math.min(300, Math.max(60, Math.sqrt(city.areaM2 / TARGET_NODES))));
  const [minX, minY, maxX, maxY] = city.bounds;
  const cols = Math.max(1, Math.ceil((maxX - minX) / spacingM));
  const rows = Math.max(1, Math.ceil((maxY - minY) / spacingM));

  const gx = new Float64Array(cols * rows);
  const gy = new Float64Array(cols * rows);
  const present = new Uint8Array(cols * rows);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const h = mix32(mix32(NETWORK_SEED, i), j);
      const x = minX + (i + 0.5) * spacingM + (toUnit(h) - 0.5) * JITTER_SHARE * spacingM;
      const y = minY + (j + 0.5) * spacingM + (toUnit(fmix32(h)) - 0.5) * JITTER_SHARE * spacingM;
      const g = j * cols + i;
      gx[g] = x;
      gy[g] = y;
      present[g] = city.isClear(x, y, x, y, marginM) ? 1 : 0;
    }
  }
  const glinks = new Int32Array(cols * rows * 4).fill(-1);
  const link = (g: number, h: number, dir: number) => {
    if (!present[g] || !present[h] || !city.isClear(gx[g]!, gy[g]!, gx[h]!, gy[h]!, marginM)) return;
    glinks[g * 4 + dir] = h;
    glinks[h * 4 + ((dir + 2) % 4)] = g;
  };
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      if (i + 1 < cols) link(j * cols + i, j * cols + i + 1, EAST);
      if (j + 1 < rows) link(j * cols + i, (j + 1) * cols + i, NORTH);
    }
  }

  const keep = largestComponent(glinks, present);
  if (keep.length < 2) {
    throw new FleetlakeError('USAGE', { detail: `districts: the city is too small or too thin for streets ${spacingM} m apart kept ${marginM} m inside it` });
  }
  const index = new Int32Array(cols * rows).fill(-1);
  keep.forEach((g, n) => (index[g] = n));
  const nodeCount = keep.length;
  const x = new Float64Array(nodeCount), y = new Float64Array(nodeCount);
  const col = new Int32Array(nodeCount), row = new Int32Array(nodeCount), district = new Int32Array(nodeCount);
  const links = new Int32Array(nodeCount * 4).fill(-1);
  const arterial = new Uint8Array(nodeCount * 4);
  keep.forEach((g, n) => {
    x[n] = gx[g]!;
    y[n] = gy[g]!;
    col[n] = g % cols;
    row[n] = Math.floor(g / cols);
    district[n] = city.districtAt(x[n]!, y[n]!);
    for (let dir = 0; dir < 4; dir++) {
      const h = glinks[g * 4 + dir]!;
      if (h < 0) continue;
      links[n * 4 + dir] = index[h]!;
      const alongRow = dir === EAST || dir === WEST;
      arterial[n * 4 + dir] = (alongRow ? row[n]! : col[n]!) % ARTERIAL_EVERY === 0 ? 1 : 0;
    }
  });

  const stopLists: number[][] = city.districts.map(() => []);
  for (let n = 0; n < nodeCount; n++) {
    const d = district[n]!;
    if (d >= 0 && city.distanceToDistrictEdge(d, x[n]!, y[n]!) >= marginM) stopLists[d]!.push(n);
  }
  if (stopLists.every((s) => s.length === 0)) {
    throw new FleetlakeError('USAGE', { detail: `districts: no district is large enough for a stop ${marginM} m inside it on streets ${spacingM} m apart` });
  }
  return {
    city, spacingM, marginM, nodeCount, x, y, col, row, district, links, arterial,
    stops: stopLists.map((s) => Int32Array.from(s)),
  };
}

/** Grid cells of the largest connected set of present cells, in ascending order. */
function largestComponent(links: Int32Array, present: Uint8Array): number[] {
  const label = new Int32Array(present.length).fill(-1);
  let best: number[] = [];
  for (let start = 0; start < present.length; start++) {
    if (!present[start] || label[start]! >= 0) continue;
    const members = [start];
    label[start] = start;
    for (let k = 0; k < members.length; k++) {
      const g = members[k]!;
      for (let dir = 0; dir < 4; dir++) {
        const h = links[g * 4 + dir]!;
        if (h >= 0 && label[h]! < 0) {
          label[h] = start;
          members.push(h);
        }
      }
    }
    if (members.length > best.length) best = members;
  }
  return best.sort((a, b) => a - b);
}
