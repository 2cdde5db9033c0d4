import { splitStatements } from '../../core/sql-text.ts';

/**
 * The part of Grafana's dashboard model fleetlake's dashboards use, and the
 * structural rules they must keep. Keys are checked against the sets Grafana's
 * published dashboard schema allows (a misspelt key fails), plus the rules
 * this project adds: every query goes to the provisioned ClickHouse data
 * source and says its rawSql, format, queryType, editorType and pluginVersion.
 */
export interface DataSourceRef {
  readonly type?: string;
  readonly uid?: string;
}

export interface GridPos {
  readonly h: number;
  readonly w: number;
  readonly x: number;
  readonly y: number;
}

export interface Target {
  readonly refId: string;
  readonly datasource?: DataSourceRef;
  readonly rawSql: string;
  readonly format: number;
  readonly queryType: string;
  readonly editorType: string;
  readonly pluginVersion: string;
}

export interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly gridPos: GridPos;
  readonly datasource?: DataSourceRef;
  readonly targets?: readonly Target[];
  readonly interval?: string;
  readonly maxDataPoints?: number;
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface Variable {
  readonly type: string;
  readonly name: string;
  readonly query?: string;
  readonly datasource?: DataSourceRef;
  readonly current?: { readonly text?: unknown; readonly value?: unknown };
  readonly includeAll?: boolean;
  readonly allValue?: string;
  readonly multi?: boolean;
  readonly regex?: string;
  readonly sort?: number;
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly Variable[] };
}

export interface Expectations {
  readonly datasourceUid: string;
  readonly pluginId: string;
  readonly pluginVersion: string;
}

/** The panel types the harness knows how to check (panel-contract.ts). */
export const PANEL_TYPES = ['timeseries', 'stat', 'table', 'geomap', 'barchart', 'bargauge', 'histogram', 'text'] as const;

const keys = (...k: string[]) => new Set(k);
const DASHBOARD_KEYS = keys('annotations', 'description', 'editable', 'fiscalYearStartMonth', 'gnetId', 'graphTooltip', 'id', 'links',
  'liveNow', 'panels', 'preload', 'refresh', 'revision', 'schemaVersion', 'snapshot', 'tags', 'templating', 'time', 'timepicker',
  'timezone', 'title', 'uid', 'version', 'weekStart');
const PANEL_KEYS = keys('cacheTimeout', 'datasource', 'description', 'fieldConfig', 'gridPos', 'hideTimeOverride', 'id', 'interval',
  'libraryPanel', 'links', 'maxDataPoints', 'maxPerRow', 'options', 'pluginVersion', 'queryCachingTTL', 'repeat', 'repeatDirection',
  'targets', 'timeCompare', 'timeFrom', 'timeShift', 'title', 'transformations', 'transparent', 'type');
const VARIABLE_KEYS = keys('allValue', 'allowCustomValue', 'auto', 'auto_count', 'auto_min', 'current', 'datasource', 'definition',
  'description', 'hide', 'includeAll', 'label', 'multi', 'name', 'options', 'query', 'refresh', 'regex', 'skipUrlSync', 'sort',
  'staticOptions', 'staticOptionsOrder', 'type');
const TARGET_KEYS = keys('refId', 'datasource', 'rawSql', 'format', 'queryType', 'editorType', 'pluginVersion', 'hide', 'meta');
const GRID_KEYS = keys('h', 'w', 'x', 'y', 'static');
/** sqlutil.FormatQueryOption: 0 time series (long frames are pivoted to wide), 1 table. */
const FORMAT_FOR_QUERY_TYPE: Readonly<Record<string, number>> = { timeseries: 0, table: 1 };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function strayKeys(value: Json, allowed: Set<string>, where: string, problems: string[]): void {
  for (const key of Object.keys(value)) if (!allowed.has(key)) problems.push(`${where}: unknown key ${JSON.stringify(key)}`);
}

function checkDatasource(ref: unknown, exp: Expectations, where: string, problems: string[]): void {
  if (!isObject(ref) || ref.uid !== exp.datasourceUid || ref.type !== exp.pluginId) {
    problems.push(`${where}: datasource must be {"type":"${exp.pluginId}","uid":"${exp.datasourceUid}"}, found ${JSON.stringify(ref)}`);
  }
}

/** One SELECT (or WITH ... SELECT), leading comments allowed: what a read-only user may run. */
function isSingleSelect(sql: string): boolean {
  const statements = splitStatements(sql);
  // splitStatements drops comments, so a statement starts with its keyword.
  return statements.length === 1 && /^(SELECT|WITH)\b/i.test(statements[0]!);
}

/** A ClickHouse query target (panel target or alert rule model): data source, SQL and the plugin's query fields. */
export function checkTarget(t: unknown, exp: Expectations, where: string, problems: string[]): void {
  if (!isObject(t)) return void problems.push(`${where}: a target must be an object`);
  strayKeys(t, TARGET_KEYS, where, problems);
  checkDatasource(t.datasource, exp, where, problems);
  if (typeof t.rawSql !== 'string' || t.rawSql.trim() === '') problems.push(`${where}: rawSql is required`);
  else if (!isSingleSelect(t.rawSql)) problems.push(`${where}: rawSql must be one SELECT (Grafana's ClickHouse user is read-only)`);
  if (t.editorType !== 'sql') problems.push(`${where}: editorType must be "sql"`);
  if (t.pluginVersion !== exp.pluginVersion) problems.push(`${where}: pluginVersion must be "${exp.pluginVersion}", found ${JSON.stringify(t.pluginVersion)}`);
  const wantFormat = typeof t.queryType === 'string' ? FORMAT_FOR_QUERY_TYPE[t.queryType] : undefined;
  if (wantFormat === undefined) problems.push(`${where}: queryType must be "timeseries" or "table", found ${JSON.stringify(t.queryType)}`);
  else if (t.format !== wantFormat) problems.push(`${where}: queryType ${String(t.queryType)} needs format ${wantFormat}, found ${JSON.stringify(t.format)}`);
}

function checkGrid(g: unknown, where: string, problems: string[]): GridPos | undefined {
  if (!isObject(g) || ![g.h, g.w, g.x, g.y].every(isInt)) return void problems.push(`${where}: gridPos needs whole h, w, x, y`);
  strayKeys(g, GRID_KEYS, `${where}.gridPos`, problems);
  const grid = g as unknown as GridPos;
  if (grid.h < 1 || grid.w < 1 || grid.x < 0 || grid.y < 0 || grid.x + grid.w > 24) problems.push(`${where}: gridPos ${JSON.stringify(g)} is outside the 24-column grid`);
  return grid;
}

const overlaps = (a: GridPos, b: GridPos) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function checkPanels(panels: unknown, exp: Expectations, problems: string[]): void {
  if (!Array.isArray(panels) || panels.length === 0) return void problems.push('panels: at least one panel is required');
  const ids = new Set<number>();
  const placed: Array<{ title: string; grid: GridPos }> = [];
  panels.forEach((p: unknown, i) => {
    const where = `panels[${i}]${isObject(p) && typeof p.title === 'string' ? ` "${p.title}"` : ''}`;
    if (!isObject(p)) return void problems.push(`${where}: a panel must be an object`);
    strayKeys(p, PANEL_KEYS, where, problems);
    if (!isInt(p.id) || ids.has(p.id)) problems.push(`${where}: id must be a whole number unique in the dashboard`);
    else ids.add(p.id);
    if (typeof p.title !== 'string' || p.title === '') problems.push(`${where}: title is required`);
    if (!(PANEL_TYPES as readonly unknown[]).includes(p.type)) problems.push(`${where}: type ${JSON.stringify(p.type)} is not one of ${PANEL_TYPES.join(', ')}`);
    const grid = checkGrid(p.gridPos, where, problems);
    if (grid) {
      const clash = placed.find((other) => overlaps(other.grid, grid));
      if (clash) problems.push(`${where}: gridPos overlaps panel "${clash.title}"`);
      placed.push({ title: String(p.title), grid });
    }
    if (p.type === 'text') return;
    checkDatasource(p.datasource, exp, where, problems);
    if (!Array.isArray(p.targets) || p.targets.length === 0) return void problems.push(`${where}: targets are required`);
    const refIds = new Set<unknown>();
    p.targets.forEach((t: unknown, j) => {
      const refId = isObject(t) ? t.refId : undefined;
      if (typeof refId !== 'string' || refIds.has(refId)) problems.push(`${where}.targets[${j}]: refId must be unique in the panel`);
      refIds.add(refId);
      checkTarget(t, exp, `${where}.targets[${j}]`, problems);
    });
    if (p.fieldConfig !== undefined && !(isObject(p.fieldConfig) && isObject(p.fieldConfig.defaults) && Array.isArray(p.fieldConfig.overrides))) {
      problems.push(`${where}: fieldConfig needs defaults and overrides`);
    }
  });
}

function checkVariables(templating: unknown, exp: Expectations, problems: string[]): void {
  if (!isObject(templating) || !Array.isArray(templating.list)) return void problems.push('templating.list is required');
  const names = new Set<unknown>();
  templating.list.forEach((v: unknown, i) => {
    const where = `templating.list[${i}]`;
    if (!isObject(v)) return void problems.push(`${where}: a variable must be an object`);
    strayKeys(v, VARIABLE_KEYS, where, problems);
    if (typeof v.name !== 'string' || !/^\w+$/.test(v.name) || names.has(v.name)) problems.push(`${where}: name must be a unique word`);
    names.add(v.name);
    // The harness resolves query variables the way the plugin does; other kinds would go unproven.
    if (v.type !== 'query') problems.push(`${where}: type must be "query", found ${JSON.stringify(v.type)}`);
    if (typeof v.query !== 'string' || !isSingleSelect(v.query)) problems.push(`${where}: query must be the SQL text of one SELECT`);
    if (v.definition !== undefined && v.definition !== v.query) problems.push(`${where}: definition must repeat the query`);
    if (v.regex !== undefined && v.regex !== '') problems.push(`${where}: regex is not supported; filter in SQL`);
    if (v.sort !== undefined && v.sort !== 0) problems.push(`${where}: sort must be 0; order in SQL`);
    if (v.refresh !== 1 && v.refresh !== 2) problems.push(`${where}: refresh must be 1 (on load) or 2 (on time range change)`);
    checkDatasource(v.datasource, exp, where, problems);
  });
}

/** Every structural problem of one dashboard, worded for a test failure; empty when it is sound. */
export function checkDashboard(raw: unknown, exp: Expectations): string[] {
  const problems: string[] = [];
  if (!isObject(raw)) return ['a dashboard must be a JSON object'];
  strayKeys(raw, DASHBOARD_KEYS, 'dashboard', problems);
  if (raw.id !== undefined && raw.id !== null) problems.push('id must be null or absent in a provisioned dashboard');
  if (typeof raw.uid !== 'string' || !/^[\w-]{8,40}$/.test(raw.uid)) problems.push('uid must be 8 to 40 letters, digits, _ or -');
  if (typeof raw.title !== 'string' || raw.title === '') problems.push('title is required');
  if (!isInt(raw.schemaVersion)) problems.push('schemaVersion is required');
  if (!isObject(raw.annotations)) problems.push('annotations is required');
  if (!isObject(raw.time) || typeof raw.time.from !== 'string' || typeof raw.time.to !== 'string') problems.push('time.from and time.to are required');
  checkVariables(raw.templating, exp, problems);
  checkPanels(raw.panels, exp, problems);
  return problems;
}
