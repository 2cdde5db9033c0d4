import type { ClickHouseClient } from '../core/clickhouse.ts';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { GatewayMetricSeries } from '../core/metrics.ts';
import { TABLES } from '../core/names.ts';
import type { GatewayCore } from './gateway-core.ts';

export interface GatewayReportRow {
  readonly ts: number;
  readonly instance: string;
  readonly metric: GatewayMetricSeries;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/**
 * One report's rows: connections per protocol, positions per second and the
 * ACK latency quantiles of the interval (left out when no frame was
 * acknowledged in it, rather than written as a misleading zero).
 */
export async function gatewayReportRows(core: GatewayCore, instance: string, nowMs: number, seconds: number): Promise<GatewayReportRow[]> {
  const rows: GatewayReportRow[] = [];
  const add = (metric: GatewayMetricSeries, value: number, labels: Record<string, string> = {}) => rows.push({ ts: nowMs, instance, metric, labels, value });
  for (const { labels, value } of (await core.metrics.gatewayConnections.get()).values) add('gateway_connections', value, { protocol: String(labels.protocol ?? '') });
  const window = core.takeWindow();
  add('gateway_positions_per_second', window.positions / seconds);
  if (window.ackSeconds.length > 0) {
    const sorted = window.ackSeconds.sort((a, b) => a - b);
    const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    add('gateway_ack_seconds_p50', rank(0.5));
    add('gateway_ack_seconds_p99', rank(0.99));
  }
  return rows;
}

/**
 * Every `intervalMs`, writes the gateway's GATEWAY_METRIC_SERIES into
 * fleet.ingest_metrics, beside ingest's reports: the Devices dashboard and
 * alerting read them without a Prometheus server. A failed write is logged
 * and skipped; figures never hold up devices. Returns the stop function.
 */
export function startGatewayReporter(options: { client: ClickHouseClient; core: GatewayCore; instance: string; intervalMs: number; logger: Logger }): () => void {
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - last) / 1000);
    last = now;
    void gatewayReportRows(options.core, options.instance, now, seconds)
      .then((values) => options.client.insert({ table: TABLES.ingestMetrics, values, format: 'JSONEachRow', clickhouse_settings: { date_time_input_format: 'best_effort' } }))
      .catch((err: unknown) => options.logger.warn({ err: errorMessage(err) }, `writing the gateway's report to ${TABLES.ingestMetrics} failed; skipping it`));
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
