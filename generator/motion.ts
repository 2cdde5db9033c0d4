import { createRandomStreams, nextBetween, nextFloat, nextUint32, seedStream, type RandomStreams } from './prng.ts';
import type { FleetModel } from './roster.ts';
import { findPath, greedyDirection } from './routing.ts';
import type { StreetNetwork } from './street-network.ts';
import { TRAFFIC_FACTOR, VEHICLE_PROFILES, VEHICLE_TYPES, type VehicleProfile } from './vehicle-types.ts';

const PARKED = 0, DWELLING = 1, DRIVING = 2;
/** Vehicles start parked at home and set off within this long of the start. */
const START_SPREAD_MS = 10 * 60_000;
/** Chance, at each crossing, that a driver turns before the street they are on stops leading closer. */
const EARLY_TURN_CHANCE = 0.1;
const DEG = 180 / Math.PI;

/**
 * Where every vehicle is, as a time-driven state machine per vehicle:
 * parked (idle between shifts) → driving to a destination along the streets →
 * dwelling at the delivery → next trip or, after the shift's last delivery,
 * parked again. State lives in typed arrays indexed by vehicle and `report`
 * allocates nothing, so a hundred thousand vehicles cost a few megabytes.
 */
export interface FleetMotion {
  /** Advances vehicle v to time t (ms; never earlier than its previous report) and sets the read-outs below. */
  report(v: number, t: number): void;
  /** Read-outs of the last report, as whole numbers the wire encoder formats: micro-degrees, tenths of km/h, degrees 0..359. */
  readonly latMicro: number;
  readonly lonMicro: number;
  readonly speedTenths: number;
  readonly headingDeg: number;
  readonly trips: number;
  readonly crossDistrictTrips: number;
}

export function createFleetMotion(model: FleetModel, fromMs: number): FleetMotion {
  return new Motion(model, fromMs);
}

class Motion implements FleetMotion {
  latMicro = 0;
  lonMicro = 0;
  speedTenths = 0;
  headingDeg = 0;
  trips = 0;
  crossDistrictTrips = 0;

  private readonly net: StreetNetwork;
  private readonly rng: RandomStreams;
  private readonly profiles: readonly VehicleProfile[];
  private readonly capMps: Float64Array;
  private readonly noiseStep: Float64Array;
  private readonly noiseRadius: number;
  private readonly lat0: number;
  private readonly lon0: number;
  private readonly perDegLat: number;
  private readonly perDegLon: number;
  private readonly crossShare: number;
  /** Districts that have stops: where trips can go. */
  private readonly destinations: readonly number[];

  private readonly mode: Uint8Array;
  private readonly until: Float64Array;
  private readonly time: Float64Array;
  private readonly node: Int32Array;
  private readonly next: Int32Array;
  private readonly target: Int32Array;
  private readonly along: Float64Array;
  private readonly edgeLength: Float64Array;
  private readonly speed: Float64Array;
  private readonly heading: Float64Array;
  private readonly alongRow: Uint8Array;
  private readonly deliveriesLeft: Int32Array;
  private readonly noiseX: Float64Array;
  private readonly noiseY: Float64Array;
  /** Routes around the city's edge, for the rare trips greedy steps cannot finish. */
  private readonly detours = new Map<number, { path: Int32Array; at: number }>();

  constructor(private readonly model: FleetModel, fromMs: number) {
    const { roster, network, limits, options } = model;
    const n = roster.count;
    this.net = network;
    this.profiles = VEHICLE_TYPES.map((t) => VEHICLE_PROFILES[t]);
    this.capMps = Float64Array.from(limits, (l) => l.cruiseCapMps);
    this.noiseStep = Float64Array.from(limits, (l) => l.noiseStepM);
    this.noiseRadius = options.gpsNoiseM;
    ({ lat0: this.lat0, lon0: this.lon0, metresPerDegLat: this.perDegLat, metresPerDegLon: this.perDegLon } = network.city);
    this.crossShare = options.crossDistrictShare;
    this.destinations = network.stops.flatMap((s, d) => (s.length > 0 ? [d] : []));
    this.rng = createRandomStreams(n);
    this.mode = new Uint8Array(n);
    this.until = new Float64Array(n);
    this.time = new Float64Array(n).fill(fromMs);
    this.node = Int32Array.from(roster.homeNode);
    this.next = new Int32Array(n);
    this.target = new Int32Array(n);
    this.along = new Float64Array(n);
    this.edgeLength = new Float64Array(n);
    this.speed = new Float64Array(n);
    this.heading = new Float64Array(n);
    this.alongRow = new Uint8Array(n);
    this.deliveriesLeft = new Int32Array(n);
    this.noiseX = new Float64Array(n);
    this.noiseY = new Float64Array(n);
    for (let v = 0; v < n; v++) {
      seedStream(this.rng, v, roster.seed[v]!);
      this.mode[v] = PARKED;
      this.until[v] = fromMs + nextFloat(this.rng, v) * START_SPREAD_MS;
      this.heading[v] = Math.floor(nextFloat(this.rng, v) * 360);
      this.deliveriesLeft[v] = this.shiftLength(v);
    }
  }

  report(v: number, t: number): void {
    this.advance(v, t);
    const net = this.net;
    let x: number, y: number;
    const a = this.node[v]!;
    if (this.mode[v] === DRIVING) {
      const b = this.next[v]!;
      const f = this.along[v]! / this.edgeLength[v]!;
      x = net.x[a]! + (net.x[b]! - net.x[a]!) * f;
      y = net.y[a]! + (net.y[b]! - net.y[a]!) * f;
      this.speedTenths = Math.round(this.speed[v]! * 36);
    } else {
      x = net.x[a]!;
      y = net.y[a]!;
      this.speedTenths = 0;
    }
    if (this.noiseRadius > 0) {
      this.moveNoise(v);
      x += this.noiseX[v]!;
      y += this.noiseY[v]!;
    }
    this.latMicro = Math.round((this.lat0 + y / this.perDegLat) * 1e6);
    this.lonMicro = Math.round((this.lon0 + x / this.perDegLon) * 1e6);
    this.headingDeg = Math.round(this.heading[v]!) % 360;
  }

  private advance(v: number, t1: number): void {
    let t = this.time[v]!;
    while (t < t1) {
      if (this.mode[v] !== DRIVING) {
        const until = this.until[v]!;
        if (until > t1) break;
        t = until;
        this.endStop(v);
      } else {
        const dtMs = ((this.edgeLength[v]! - this.along[v]!) / this.speed[v]!) * 1000;
        if (t + dtMs > t1) {
          this.along[v] = this.along[v]! + (this.speed[v]! * (t1 - t)) / 1000;
          break;
        }
        t += dtMs;
        this.arrive(v, t);
      }
    }
    this.time[v] = t1;
  }

  /** GPS error as a bounded random walk: it drifts by at most noiseStep per report and stays within the noise radius. */
  private moveNoise(v: number): void {
    // One draw, split in two 16-bit halves: plenty of resolution for a step of a few metres.
    const step = (this.noiseStep[this.model.roster.type[v]!]! * Math.SQRT2) / 65536;
    const u = nextUint32(this.rng, v);
    let nx = this.noiseX[v]! + ((u & 0xffff) - 32768) * step;
    let ny = this.noiseY[v]! + ((u >>> 16) - 32768) * step;
    const r = Math.sqrt(nx * nx + ny * ny);
    if (r > this.noiseRadius) {
      const k = this.noiseRadius / r;
      nx *= k;
      ny *= k;
    }
    this.noiseX[v] = nx;
    this.noiseY[v] = ny;
  }

  private endStop(v: number): void {
    const t = this.until[v]!;
    if (this.mode[v] === DWELLING) {
      this.deliveriesLeft[v] = this.deliveriesLeft[v]! - 1;
      if (this.deliveriesLeft[v]! <= 0) {
        const [lo, hi] = this.profile(v).idleMin;
        this.mode[v] = PARKED;
        this.until[v] = t + nextBetween(this.rng, v, lo, hi) * 60_000;
        this.deliveriesLeft[v] = this.shiftLength(v);
        return;
      }
    }
    this.startTrip(v, t);
  }

  private startTrip(v: number, t: number): void {
    const home = this.model.roster.homeDistrict[v]!;
    let district = home;
    if (this.destinations.length > 1 && nextFloat(this.rng, v) < this.crossShare) {
      const k = Math.floor(nextFloat(this.rng, v) * (this.destinations.length - 1));
      district = this.destinations[k]! >= home ? this.destinations[k + 1]! : this.destinations[k]!;
    }
    const stops = this.net.stops[district]!;
    let target = stops[Math.floor(nextFloat(this.rng, v) * stops.length)]!;
    if (target === this.node[v] && stops.length > 1) target = stops[(stops.indexOf(target) + 1) % stops.length]!;
    this.trips++;
    if (district !== home) this.crossDistrictTrips++;
    this.target[v] = target;
    this.mode[v] = DRIVING;
    const net = this.net;
    this.alongRow[v] = Math.abs(net.col[target]! - net.col[this.node[v]!]!) >= Math.abs(net.row[target]! - net.row[this.node[v]!]!) ? 1 : 0;
    this.takeStreet(v, t);
  }

  /** At a crossing: deliver here, or pick the next street towards the destination. */
  private takeStreet(v: number, t: number): void {
    const net = this.net;
    const a = this.node[v]!;
    const target = this.target[v]!;
    if (a === target) {
      const [lo, hi] = this.profile(v).dwellS;
      this.mode[v] = DWELLING;
      this.until[v] = t + nextBetween(this.rng, v, lo, hi) * 1000;
      this.detours.delete(v);
      return;
    }
    let b: number;
    let dir = -1;
    const detour = this.detours.get(v);
    if (detour) {
      b = detour.path[detour.at++]!;
    } else {
      const preferRow = (this.alongRow[v] === 1) !== nextFloat(this.rng, v) < EARLY_TURN_CHANCE;
      dir = greedyDirection(net, a, target, preferRow);
      if (dir < 0) {
        const path = findPath(net, a, target);
        this.detours.set(v, { path, at: 1 });
        b = path[0]!;
      } else {
        b = net.links[a * 4 + dir]!;
        this.alongRow[v] = dir % 2 === 0 ? 1 : 0;
      }
    }
    const dx = net.x[b]! - net.x[a]!, dy = net.y[b]! - net.y[a]!;
    const arterial = dir >= 0 ? net.arterial[a * 4 + dir] === 1 : false;
    const p = this.profile(v);
    const kmh = (arterial ? p.arterialKmh : p.localKmh) * this.model.roster.driverFactor[v]! * nextBetween(this.rng, v, TRAFFIC_FACTOR[0], TRAFFIC_FACTOR[1]);
    this.next[v] = b;
    this.along[v] = 0;
    this.edgeLength[v] = Math.sqrt(dx * dx + dy * dy);
    this.speed[v] = Math.min(kmh / 3.6, this.capMps[this.model.roster.type[v]!]!);
    this.heading[v] = (Math.atan2(dx, dy) * DEG + 360) % 360;
  }

  private arrive(v: number, t: number): void {
    this.node[v] = this.next[v]!;
    this.along[v] = 0;
    this.takeStreet(v, t);
  }

  private profile(v: number): VehicleProfile {
    return this.profiles[this.model.roster.type[v]!]!;
  }

  private shiftLength(v: number): number {
    const [lo, hi] = this.profile(v).deliveriesPerShift;
    return Math.floor(nextBetween(this.rng, v, lo, hi + 1));
  }
}
