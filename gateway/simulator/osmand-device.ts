import { request } from 'node:http';
import type { Position } from '../../core/position.ts';
import { encodeOsmandJson, encodeOsmandQuery, type OsmandReport } from '../osmand/osmand-report.ts';
import { DeviceRefused } from './stream-device.ts';

export interface OsmandDeviceOptions {
  readonly host: string;
  readonly port: number;
  readonly deviceId: string;
  /** The JSON body of current app versions, else the query string by GET. */
  readonly json: boolean;
  readonly timeoutMs: number;
}

export function osmandReport(deviceId: string, p: Position): OsmandReport {
  return { deviceId, timestampMs: p.ts_ms, lat: p.lat, lon: p.lon, speedKmh: p.speed_kmh, bearingDeg: p.heading_deg };
}

/**
 * A phone running Traccar Client: one HTTP request per position, sent again
 * until it gets a 200 (timeouts, 5xx and lost connections are retried; a 403
 * means the device is not registered, a 400 is a bug in this simulator).
 */
export function createOsmandDevice(options: OsmandDeviceOptions): { send(p: Position): Promise<void>; readonly resends: number } {
  let resends = 0;
  const once = (p: Position) =>
    new Promise<number>((resolve) => {
      const report = osmandReport(options.deviceId, p);
      const body = options.json ? encodeOsmandJson(report) : '';
      const req = request(
        {
          host: options.host,
          port: options.port,
          method: options.json ? 'POST' : 'GET',
          path: options.json ? '/' : `/?${encodeOsmandQuery(report)}`,
          headers: options.json ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
          timeout: options.timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(0));
      req.end(body);
    });
  return {
    async send(p) {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) resends++;
        const status = await once(p);
        if (status === 200) return;
        if (status === 403) throw new DeviceRefused(`the gateway refused device ${options.deviceId}: register it with 'fleetlake devices add ${options.deviceId} --vehicle <id>'`);
        if (status === 400) throw new Error(`the gateway found a simulated OsmAnd request malformed (device ${options.deviceId})`);
        if (status === 0) await new Promise((r) => setTimeout(r, 200));
      }
    },
    get resends() {
      return resends;
    },
  };
}
