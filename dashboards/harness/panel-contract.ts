import type { Panel, Target } from './dashboard-model.ts';

/**
 * What a panel needs from its query's result, checked on ClickHouse's own
 * column types. The rules come from how the plugin hands frames to Grafana:
 * a time-series query is pivoted from long to wide (sqlutil LongToWide),
 * which needs a time column sorted ascending, string label columns and numeric
 * value columns; Decimal columns are refused everywhere (Grafana needs plain
 * numbers: toFloat64); H3 cells travel as strings, since a UInt64 cell id
 * loses digits in JavaScript; a Geomap needs numeric lat/lon fields.
 */
export interface Column {
  readonly name: string;
  readonly type: string;
}

export interface QueryResult {
  readonly columns: readonly Column[];
  readonly rows: ReadonlyArray<readonly unknown[]>;
}

const base = (type: string): string => {
  const m = /^(?:LowCardinality|Nullable)\((.*)\)$/.exec(type);
  return m ? base(m[1]!) : type;
};
export const isNumeric = (type: string) => /^(U?Int(8|16|32|64|128|256)|Float(32|64))$/.test(base(type));
export const isTime = (type: string) => /^(DateTime(64)?(\(.*\))?|Date(32)?)$/.test(base(type));
export const isString = (type: string) => /^(String|FixedString\(\d+\)|Enum(8|16)?\(.*\))$/.test(base(type));
const isFloat = (type: string) => /^Float(32|64)$/.test(base(type));

function checkTimeSeries(result: QueryResult, problems: string[]): void {
  const timeIndex = result.columns.findIndex((c) => isTime(c.type));
  if (timeIndex < 0) return void problems.push('a time series needs a time column (DateTime, DateTime64 or Date)');
  const values = result.columns.filter((c, i) => i !== timeIndex && isNumeric(c.type));
  if (values.length === 0) problems.push('a time series needs at least one numeric value column');
  for (const c of result.columns) {
    if (c !== result.columns[timeIndex] && !isNumeric(c.type) && !isString(c.type)) problems.push(`column ${c.name} (${c.type}) is neither a number nor a string label`);
  }
  const labels = result.columns.flatMap((c, i) => (isString(c.type) ? [i] : []));
  const seen = new Set<string>();
  // ClickHouse prints one time column in one fixed-width format, so text order is time order.
  let previous = '';
  for (const row of result.rows) {
    const t = String(row[timeIndex]);
    if (t < previous) return void problems.push('rows must be sorted by time ascending (LongToWide refuses them otherwise): add ORDER BY time');
    previous = t;
    const key = JSON.stringify([row[timeIndex], ...labels.map((i) => row[i])]);
    if (seen.has(key)) return void problems.push(`two rows share time and labels ${key}: one point per series per time`);
    seen.add(key);
  }
}

function field(result: QueryResult, name: unknown, problems: string[], what: string): Column | undefined {
  const column = result.columns.find((c) => c.name === name);
  if (!column) problems.push(`${what} field ${JSON.stringify(name)} is not a column of the result (${result.columns.map((c) => c.name).join(', ')})`);
  return column;
}

function checkGeomap(panel: Panel, result: QueryResult, problems: string[]): void {
  const layers = Array.isArray(panel.options?.layers) ? (panel.options.layers as unknown[]) : [];
  if (layers.length === 0) return void problems.push('a geomap needs options.layers');
  for (const layer of layers) {
    const location = (layer as { location?: { mode?: unknown; latitude?: unknown; longitude?: unknown } }).location;
    if (location?.mode !== 'coords') {
      problems.push('geomap layers must use location mode "coords" with named latitude/longitude fields');
      continue;
    }
    for (const [what, name] of [['latitude', location.latitude], ['longitude', location.longitude]] as const) {
      const column = field(result, name, problems, what);
      if (column && !isFloat(column.type)) problems.push(`${what} column ${column.name} is ${column.type}: use toFloat64()`);
    }
  }
}

/** Every way `result` fails `panel`'s needs; empty when the panel can draw it. */
export function checkPanelResult(panel: Panel, target: Target, result: QueryResult): string[] {
  const problems: string[] = [];
  for (const c of result.columns) {
    if (/^Decimal/.test(base(c.type))) problems.push(`column ${c.name} is ${c.type}: Grafana needs plain numbers, use toFloat64()`);
    if (/h3/i.test(c.name) && !isString(c.type)) problems.push(`H3 column ${c.name} is ${c.type}: send H3 cells as strings (h3ToString)`);
  }
  const numeric = result.columns.filter((c) => isNumeric(c.type));
  if (target.format === 0) checkTimeSeries(result, problems);
  switch (panel.type) {
    case 'timeseries':
      if (target.format !== 0) problems.push('a timeseries panel needs format 0 (time series)');
      break;
    case 'stat':
    case 'bargauge':
    case 'histogram':
      if (numeric.length === 0) problems.push(`a ${panel.type} panel needs a numeric column`);
      break;
    case 'barchart': {
      const x = field(result, panel.options?.xField, problems, 'xField');
      if (x && !isString(x.type) && !isTime(x.type)) problems.push(`barchart xField ${x.name} must be a string or a time`);
      if (numeric.length === 0) problems.push('a barchart needs a numeric column');
      break;
    }
    case 'geomap':
      checkGeomap(panel, result, problems);
      break;
    default:
      break;
  }
  return problems;
}
