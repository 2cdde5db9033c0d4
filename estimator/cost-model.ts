import type { Calibration } from './calibration.ts';
import { computeLoad } from './load-model.ts';
import type { Scenario } from './scenario.ts';
import { DAYS_PER_YEAR, storedAt, tableYears, vehiclesAt } from './storage-model.ts';

/**
 * Cost per item: disks and object storage are billed per GB-month (decimal GB,
 * as cloud price lists are), ingest per process-month. A month's cost is the
 * state at that moment times the unit prices; a year's cost adds its twelve
 * month-ends, so growing storage is billed as it grows.
 */
export interface CostItems {
  readonly hot_disk: number;
  readonly cold_storage: number;
  readonly broker_disk: number;
  readonly compute: number;
  readonly total: number;
}

export interface YearCost {
  readonly year: number;
  /** The monthly bill at the end of the year. */
  readonly monthly: CostItems;
  /** The sum of the year's twelve monthly bills. */
  readonly yearly: CostItems;
}

export const COST_ITEMS = ['hot_disk', 'cold_storage', 'broker_disk', 'compute'] as const;

const GB = 1e9;

export function monthlyCostAt(s: Scenario, calibration: Calibration, day: number): CostItems {
  const stored = storedAt(s, calibration, day);
  const load = computeLoad(s, calibration, vehiclesAt(s, day));
  const items = {
    hot_disk: (stored.hot_bytes / GB) * s.price_hot_disk_gb_month,
    cold_storage: (stored.cold_bytes / GB) * s.price_cold_gb_month,
    broker_disk: (load.broker_disk_bytes / GB) * s.price_broker_disk_gb_month,
    compute: load.ingest_processes * s.price_compute_process_month,
  };
  return { ...items, total: items.hot_disk + items.cold_storage + items.broker_disk + items.compute };
}

export function costByYear(s: Scenario, calibration: Calibration): YearCost[] {
  const years: YearCost[] = [];
  for (let year = 1; year <= tableYears(s); year++) {
    const months = Array.from({ length: 12 }, (_, m) => monthlyCostAt(s, calibration, (year - 1 + (m + 1) / 12) * DAYS_PER_YEAR));
    years.push({ year, monthly: monthlyCostAt(s, calibration, year * DAYS_PER_YEAR), yearly: sumItems(months) });
  }
  return years;
}

function sumItems(list: readonly CostItems[]): CostItems {
  const sum = (key: keyof CostItems) => list.reduce((total, items) => total + items[key], 0);
  return { hot_disk: sum('hot_disk'), cold_storage: sum('cold_storage'), broker_disk: sum('broker_disk'), compute: sum('compute'), total: sum('total') };
}
