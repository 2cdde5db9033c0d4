import { COST_ITEMS } from './cost-model.ts';
import type { Estimate } from './estimate.ts';
import { formatBytes, formatCount, formatMoney, formatPercent, significant } from './units.ts';

/** The default output of `fleetlake estimate`: sections of labelled figures, then the growth and cost tables. */
export function renderEstimateTable(e: Estimate): string {
  const i = e.inputs;
  const money = (n: number) => formatMoney(n, e.currency);
  const fleet = e.storage_bytes_by_year.map((y) => y.vehicles);
  const fleetText = new Set(fleet).size === 1 ? `${formatCount(e.vehicles)} vehicles` : `${fleet.map(formatCount).join(' → ')} vehicles over the years`;
  const aq = e.area_query;

  const out: string[] = [
    `fleetlake estimate: ${fleetText}, one position every ${i.report_interval}, ${i.active_hours_per_day} h/day, ${i.active_days_per_week} days/week`,
    `calibration: ${significant(e.bytes_per_row, 4)} B/row on disk, ${formatCount(e.ingest_rows_per_second_per_process)} rows/s per ingest process (measured ${e.calibration.measured_at})`,
    `  from: ${e.calibration.source}`,
    '',
    ...section(`Load (largest fleet: ${formatCount(e.vehicles)} vehicles)`, [
      ['events/s, average', formatCount(e.events_per_second_avg)],
      [`events/s, peak (${formatPercent(Number(i.peak_active_share))} of the fleet at once)`, formatCount(e.events_per_second_peak)],
    ]),
    ...section('Broker', [
      ['messages/day', formatCount(e.messages_per_day)],
      ['bytes/message (value + key + record)', formatBytes(e.broker_bytes_per_message)],
      ['bytes/day', formatBytes(e.broker_bytes_per_day)],
      [`disk for ${i.broker_retention} retention × ${i.broker_replication_factor} replicas`, formatBytes(e.broker_disk_bytes)],
    ]),
    ...section('ClickHouse (fleet.positions)', [
      ['rows/day', formatCount(e.rows_per_day)],
      ['bytes/row on disk (calibrated, all files)', formatBytes(e.bytes_per_row)],
      [`bytes/day × ${i.replicas} replica(s)`, formatBytes(e.clickhouse_bytes_per_day)],
      [`inserts (new parts)/day, batch ≤ ${formatCount(Number(i.batch_rows))} rows or ${i.batch_max_wait}`, formatCount(e.inserts_per_day)],
      ['rows per insert', formatCount(e.rows_per_insert)],
      ['new partitions/day (monthly partitions)', significant(e.new_partitions_per_day)],
      [`partitions held for ${i.retention} retention`, formatCount(e.partitions_held)],
    ]),
    ...section(`Ingest sizing (headroom ${formatPercent(Number(i.headroom))} over peak)`, [
      ['capacity needed, rows/s', formatCount(e.ingest_capacity_needed)],
      ['measured rows/s per process', formatCount(e.ingest_rows_per_second_per_process)],
      ['ingest processes', formatCount(e.ingest_processes)],
      [`topic partitions (${i.partitions_per_process} per process)`, formatCount(e.topic_partitions)],
    ]),
    ...section(`Area query (${significant(aq.query_area_km2)} km² district, busiest hour)`, [
      ['rows in the hour', formatCount(aq.rows_per_hour_peak)],
      ['H3 cells touched / in service area', `${aq.cells_touched} / ${Math.round(aq.service_cells)} (${formatPercent(aq.share_of_cells)})`],
      ['rows scanned (up to, with granule rounding)', `${formatCount(aq.rows_scanned)} (${formatCount(aq.rows_scanned_max)})`],
    ]),
    ...section(
      `Area query over long periods (${significant(e.long_area_queries.query_area_km2)} km²: ${e.long_area_queries.interior_cells} interior + ${e.long_area_queries.boundary_cells} boundary cells; ` +
        `presence rollups ${formatBytes(e.long_area_queries.rollup_bytes_per_year)}/year)`,
      e.long_area_queries.periods.map((p) => [
        p.period,
        `raw only ${formatCount(p.raw_only_rows)} rows, ${formatBytes(p.raw_only_bytes)}, ${significant(p.raw_only_seconds, 3)} s; ` +
          `with rollups ${formatCount(p.rollup_raw_rows)} raw + ${formatCount(p.rollup_rows)} rollup rows, ${formatBytes(p.rollup_bytes)}, ${significant(p.rollup_seconds, 3)} s`,
      ]),
    ),
    ...clusterSection(e),
    `Storage at the end of each year (hot ${i.hot_period}, then cold until ${i.retention}; × ${i.replicas} replica(s))`,
    ...grid(
      ['year', 'vehicles', 'events/s avg', 'hot', 'cold', 'total'],
      e.storage_bytes_by_year.map((y) => [String(y.year), formatCount(y.vehicles), formatCount(y.events_per_second_avg), formatBytes(y.hot_bytes), formatBytes(y.cold_bytes), formatBytes(y.total_bytes)]),
    ),
    '',
    `Cost (${e.currency}): monthly bill at the end of each year, and the year's total`,
    ...grid(
      ['year', ...COST_ITEMS.map((k) => k.replace('_', ' ')), 'monthly total', 'yearly total'],
      e.cost_by_year.map((y) => [String(y.year), ...COST_ITEMS.map((k) => money(y.monthly[k])), money(y.monthly.total), money(y.yearly.total)]),
    ),
    '',
    `Monthly cost at full retention: ${money(e.monthly_cost_total)}; that year: ${money(e.yearly_cost_total)}`,
  ];
  return out.join('\n') + '\n';
}

function clusterSection(e: Estimate): string[] {
  const c = e.cluster;
  const i = e.inputs;
  const seconds = (n: number) => `${significant(n, 3)} s`;
  const shape = c.shards === 1 && c.replicas === 1 ? 'one node' : `${c.shards} shard(s) × ${c.replicas} replicas = ${c.clickhouse_nodes} ClickHouse nodes`;
  return section(`Cluster sizing (area query over ${i.target_query_period} in ${i.target_query_seconds} s; ${i.node_disk_gb} GB disk per node; docs/cluster.md)`, [
    ['ClickHouse', shape],
    ['shards needed for latency / disk / inserts', `${c.shards_for_latency} / ${c.shards_for_disk} / ${c.shards_for_inserts}${c.binding_limit === 'none' ? '' : ` (${c.binding_limit} sets it)`}`],
    ['area query rows, answer on one node → on the cluster', `${formatCount(c.query_rows)}, ${seconds(c.query_seconds_one_node)} → ${seconds(c.query_seconds_cluster)}`],
    ['hot data per node (one copy of its shard)', formatBytes(c.hot_bytes_per_node)],
    ['Keeper nodes', c.keeper_nodes === 0 ? 'none (no replication)' : String(c.keeper_nodes)],
    [`brokers (replication factor ${i.broker_replication_factor})`, String(c.brokers)],
    ['one node carries up to', `${formatCount(c.single_node_max_vehicles)} vehicles (then ${c.single_node_limit} runs out first)`],
  ]);
}

function section(title: string, rows: readonly [string, string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ''];
}

function grid(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) => '  ' + cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}
