import { EAST, NORTH, SOUTH, WEST, type StreetNetwork } from './street-network.ts';

/**
 * Route choice without search: on a lattice, any step that brings the lattice
 * coordinates closer to the destination is on a shortest route. Drivers keep
 * their street while it still leads there (few turns, L-shaped routes) and now
 * and then turn early. Returns the direction slot (EAST..SOUTH), or -1 when no
 * step closer is possible (the city's edge is in the way): then use findPath.
 */
export function greedyDirection(network: StreetNetwork, from: number, target: number, preferAlongRow: boolean): number {
  const dc = network.col[target]! - network.col[from]!;
  const dr = network.row[target]! - network.row[from]!;
  const xDir = dc > 0 ? EAST : dc < 0 ? WEST : -1;
  const yDir = dr > 0 ? NORTH : dr < 0 ? SOUTH : -1;
  const xOk = xDir >= 0 && network.links[from * 4 + xDir]! >= 0;
  const yOk = yDir >= 0 && network.links[from * 4 + yDir]! >= 0;
  if (preferAlongRow) return xOk ? xDir : yOk ? yDir : -1;
  return yOk ? yDir : xOk ? xDir : -1;
}

/** Breadth-first shortest route in streets; the nodes after `from`, ending with `target`. */
export function findPath(network: StreetNetwork, from: number, target: number): Int32Array {
  const parent = new Int32Array(network.nodeCount).fill(-1);
  parent[from] = from;
  const queue = new Int32Array(network.nodeCount);
  let head = 0, tail = 0;
  queue[tail++] = from;
  while (head < tail && parent[target]! < 0) {
    const n = queue[head++]!;
    for (let dir = 0; dir < 4; dir++) {
      const m = network.links[n * 4 + dir]!;
      if (m >= 0 && parent[m]! < 0) {
        parent[m] = n;
        queue[tail++] = m;
      }
    }
  }
  // The network is one connected part by construction, so the target is always reached.
  const path: number[] = [];
  for (let n = target; n !== from; n = parent[n]!) path.push(n);
  return Int32Array.from(path.reverse());
}
