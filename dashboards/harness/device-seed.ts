import type { ClickHouseClient } from '@clickhouse/client';
import { loadConfig } from '../../core/config.ts';
import { createSilentLogger } from '../../core/logger.ts';
import type { GatewayMetricSeries } from '../../core/metrics.ts';
import type { Position } from '../../core/position.ts';
import { createCommandStore } from '../../gateway/command-store.ts';
import { createDeviceStore } from '../../gateway/device-store.ts';
import { createFrameTableSink } from '../../gateway/frame-table.ts';
import { gatewayReportRows } from '../../gateway/gateway-reporter.ts';
import { createSinkOutput } from '../../gateway/gateway-output.ts';
import { startGateway } from '../../gateway/run-gateway.ts';
import { teltonikaDevice } from '../../gateway/simulator/protocol-devices.ts';
import { createStreamDevice, DeviceRefused } from '../../gateway/simulator/stream-device.ts';
import { openTcpProbe } from '../../test-support/tcp-probe.ts';
import { insertMetrics, metricRow, type MetricRow } from './lake-seed.ts';

const HOUR = 3_600_000;
const KNOWN = ['350000000000101', '350000000000102', '350000000000103'];
const UNKNOWN = '359999999999999';

/**
 * What the Devices dashboard reads, written by the real gateway: simulated
 * Teltonika trackers (three registered, one unknown) and a client sending
 * garbage go through a gateway whose frame archive is fleet.device_frames (as
 * in `fleetlake start`; positions are dropped, the Fleet dashboards have
 * theirs); one tracker answers a command through the relay; the gateway's own
 * report is written once. Then a recorded hour of two gateways' reports, since
 * a test gateway runs for seconds, not the hour the dashboard shows.
 */
export async function seedDevices(client: ClickHouseClient, nowMs: number): Promise<void> {
  await createDeviceStore(client).put(KNOWN.map((id, i) => ({ device_id: id, vehicle_id: `tracker-${i + 1}`, vehicle_type: 'truck', enabled: true })), 'cli');
  const config = loadConfig({ env: {}, overrides: { gateway: { host: '127.0.0.1', teltonika_port: 0, gt06_port: 0, osmand_port: 0, report_interval: '1h', command_poll: '1h' } } });
  const output = createSinkOutput({ send: async () => {}, close: async () => {} }, createFrameTableSink(client));
  const gateway = await startGateway({ config, client, output, logger: createSilentLogger() });
  const devices = [...KNOWN, UNKNOWN].map((imei) => {
    const protocol = teltonikaDevice(imei, false);
    return { imei, protocol, device: createStreamDevice({ host: '127.0.0.1', port: gateway.ports.teltonika, protocol, deviceId: imei, ackTimeoutMs: 5000 }) };
  });
  try {
    for (const [i, { protocol, device }] of devices.entries()) {
      const position = (k: number): Position => ({ vehicle_id: 'x', ts_ms: nowMs - 60_000 + k * 1000, lat: 45.5 + i / 100, lon: -73.56, speed_kmh: 20, heading_deg: 90, vehicle_type: '' });
      try {
        for (let k = 0; k < 3; k++) await device.send(protocol.packet([position(2 * k), position(2 * k + 1)]));
      } catch (err) {
        if (!(err instanceof DeviceRefused)) throw err;
      }
    }
    const garbage = await openTcpProbe(gateway.ports.teltonika);
    garbage.send(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await garbage.closed();

    const store = createCommandStore(client);
    const command = { command_id: '00000000-0000-4000-8000-00000000d001', device_id: KNOWN[0]!, command: 'getinfo', status: 'queued' as const, answer: '', created_at_ms: Date.now(), expires_at_ms: Date.now() + HOUR };
    await store.record(command, 'api key seed');
    gateway.relay.poke();
    for (let i = 0; i < 100 && (await store.get(command.device_id, command.command_id))?.status !== 'answered'; i++) await new Promise((r) => setTimeout(r, 50));

    const report = await gatewayReportRows(gateway.core, 'gateway-seed', Date.now(), 10);
    await client.insert({ table: 'fleet.ingest_metrics', values: report, format: 'JSONEachRow', clickhouse_settings: { date_time_input_format: 'best_effort' } });
  } finally {
    for (const { device } of devices) device.close();
    await gateway.stop();
  }
  await insertMetrics(client, recordedGatewayReports(nowMs));
}

/** Two gateway processes reporting every 10 s over the hour before `nowMs`. */
export function recordedGatewayReports(nowMs: number): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const [n, instance] of ['gateway-a', 'gateway-b'].entries()) {
    for (let t = nowMs - HOUR, i = 0; t <= nowMs; t += 10_000, i++) {
      const wave = Math.sin(i / 15 + n);
      const add = (metric: GatewayMetricSeries, value: number, labels: Record<string, string> = {}) => rows.push(metricRow(t, instance, metric, value, labels));
      add('gateway_connections', 6000 + 300 * wave, { protocol: 'teltonika' });
      add('gateway_connections', 1500 + 100 * wave, { protocol: 'gt06' });
      add('gateway_connections', 200 + 20 * wave, { protocol: 'osmand' });
      add('gateway_positions_per_second', 1540 + 80 * wave);
      add('gateway_ack_seconds_p50', 0.012 + 0.003 * wave);
      add('gateway_ack_seconds_p99', 0.09 + 0.03 * wave);
    }
  }
  return rows;
}
