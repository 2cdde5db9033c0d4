import { describe, expect, it } from 'vitest';
import { checkDashboard } from './dashboard-model.ts';

const exp = { datasourceUid: 'fleetlake-clickhouse', pluginId: 'grafana-clickhouse-datasource', pluginVersion: '4.10.1' };
const ds = { type: exp.pluginId, uid: exp.datasourceUid };
const target = { refId: 'A', datasource: ds, editorType: 'sql', format: 1, queryType: 'table', pluginVersion: '4.10.1', rawSql: 'SELECT 1 AS x' };
const panel = (id: number, x = 0, y = 0) => ({ id, type: 'stat', title: `p${id}`, gridPos: { h: 4, w: 6, x, y }, datasource: ds, targets: [target] });
const variable = { type: 'query', name: 'district', datasource: ds, query: 'SELECT id FROM fleet.districts', definition: 'SELECT id FROM fleet.districts', refresh: 1 };

function dashboard(changes: Record<string, unknown> = {}) {
  return {
    uid: 'fleetlake-test', title: 'test', schemaVersion: 41, annotations: { list: [] }, time: { from: 'now-1h', to: 'now' },
    templating: { list: [variable] }, panels: [panel(1), panel(2, 6)], ...changes,
  };
}

describe('checkDashboard', () => {
  it('accepts a sound dashboard', () => {
    expect(checkDashboard(dashboard(), exp)).toEqual([]);
  });

  it.each([
    ['a misspelt key', { titel: 'x' }, 'dashboard: unknown key "titel"'],
    ['a numeric id', { id: 3 }, 'id must be null or absent in a provisioned dashboard'],
    ['a short uid', { uid: 'x' }, 'uid must be 8 to 40 letters, digits, _ or -'],
    ['no panels', { panels: [] }, 'panels: at least one panel is required'],
    ['a repeated panel id', { panels: [panel(1), panel(1, 6)] }, 'panels[1] "p1": id must be a whole number unique in the dashboard'],
    ['overlapping panels', { panels: [panel(1), panel(2, 3)] }, 'panels[1] "p2": gridPos overlaps panel "p1"'],
    ['a panel off the grid', { panels: [panel(1, 20)] }, 'is outside the 24-column grid'],
    ['an unknown panel type', { panels: [{ ...panel(1), type: 'piechart' }] }, 'type "piechart" is not one of'],
    ['another data source', { panels: [{ ...panel(1), datasource: { type: 'prometheus', uid: 'prom' } }] }, 'panels[0] "p1": datasource must be'],
    ['a target without the datasource', { panels: [{ ...panel(1), targets: [{ ...target, datasource: undefined }] }] }, 'panels[0] "p1".targets[0]: datasource must be'],
    ['a target without pluginVersion', { panels: [{ ...panel(1), targets: [{ ...target, pluginVersion: undefined }] }] }, 'pluginVersion must be "4.10.1"'],
    ['a write', { panels: [{ ...panel(1), targets: [{ ...target, rawSql: '-- x\nSELECT 1; DROP TABLE fleet.positions' }] }] }, 'rawSql must be one SELECT'],
    ['a target without rawSql', { panels: [{ ...panel(1), targets: [{ ...target, rawSql: '' }] }] }, 'rawSql is required'],
    ['a builder target', { panels: [{ ...panel(1), targets: [{ ...target, editorType: 'builder' }] }] }, 'editorType must be "sql"'],
    ['format not matching queryType', { panels: [{ ...panel(1), targets: [{ ...target, queryType: 'timeseries' }] }] }, 'queryType timeseries needs format 0, found 1'],
    ['an unknown queryType', { panels: [{ ...panel(1), targets: [{ ...target, queryType: 'logs' }] }] }, 'queryType must be "timeseries" or "table"'],
    ['repeated refIds', { panels: [{ ...panel(1), targets: [target, target] }] }, 'refId must be unique in the panel'],
    ['a custom variable', { templating: { list: [{ ...variable, type: 'custom' }] } }, 'type must be "query", found "custom"'],
    ['a variable regex', { templating: { list: [{ ...variable, regex: '/d0.*/' }] } }, 'regex is not supported; filter in SQL'],
    ['a variable never refreshed', { templating: { list: [{ ...variable, refresh: 0 }] } }, 'refresh must be 1 (on load) or 2'],
    ['a stale definition', { templating: { list: [{ ...variable, definition: 'SELECT 2' }] } }, 'definition must repeat the query'],
    ['two variables of one name', { templating: { list: [variable, variable] } }, 'templating.list[1]: name must be a unique word'],
  ])('reports %s', (_what, changes, message) => {
    expect(checkDashboard(dashboard(changes), exp).join('\n')).toContain(message);
  });
});
