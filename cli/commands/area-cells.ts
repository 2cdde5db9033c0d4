import { readFileSync } from 'node:fs';
import { openClickHouse, queryRows } from '../../core/clickhouse.ts';
import { errorMessage } from '../../core/errors.ts';
import { checkArea, type MultiPolygonCoords } from '../../core/geojson.ts';
import { TABLES } from '../../core/names.ts';
import { coverArea } from '../../queries/area-cover.ts';
import { cellsParam, multiPolygonParam } from '../../queries/param-text.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const areaCellsCommand: Command = {
  name: 'area-cells',
  summary: 'print the area parameters of queries/sql/area-vehicles.sql (polygons and H3 cells) for an area',
  help: `Usage: fleetlake area-cells FILE.geojson [--for clickhouse-client|fleetlake]
       fleetlake area-cells --district ID [--for ...]

Computes the H3 cover the query API would use for an area (a GeoJSON Polygon,
MultiPolygon, or a Feature holding one; or a stored district) and prints the
polygons, interior_cells and boundary_cells parameters, one per line:

  --for clickhouse-client (default)  --param_NAME=VALUE
  --for fleetlake                    --param NAME=VALUE

so that, for example,
  fleetlake area-cells area.geojson > area.params
  xargs -a area.params clickhouse-client --param_from='2025-03-03 07:00:00.000' \\
    --param_to='2025-03-03 08:00:00.000' --param_min_speed_kmh=5 \\
    --param_vehicle_types='[]' --param_limit=100 --param_restrict_group= \\
    --param_restrict_area='[]' --queries-file queries/sql/area-vehicles.sql
runs the API's own query. The cap api.max_index_cells applies: above it both
cell lists are empty, meaning "scan", as in the API.`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs('area-cells', ctx.argv, { district: { type: 'string' }, for: { type: 'string', default: 'clickhouse-client' } }, true);
    if (values.for !== 'clickhouse-client' && values.for !== 'fleetlake') throw usageError('area-cells', `--for must be clickhouse-client or fleetlake, not ${values.for}`);
    if ((values.district === undefined) === (positionals.length !== 1)) throw usageError('area-cells', 'give one GeoJSON file or --district ID');
    const config = ctx.loadConfig();
    const polygons = values.district !== undefined ? await districtPolygons(config, values.district) : readArea(positionals[0]!);
    const cover = coverArea(polygons, config.api.max_index_cells);
    const params = {
      polygons: multiPolygonParam(polygons),
      interior_cells: cellsParam(cover.interior),
      boundary_cells: cellsParam(cover.boundary),
    };
    for (const [name, value] of Object.entries(params)) ctx.stdout.write(values.for === 'fleetlake' ? `--param\n${name}=${value}\n` : `--param_${name}=${value}\n`);
    ctx.stderr.write(
      cover.strategy === 'h3'
        ? `${cover.cellCount} res-8 cells, ${cover.boundary.length} of them tested with pointInPolygon\n`
        : `no cell cover (${cover.reason}): the query scans the period\n`,
    );
    return 0;
  },
};

function readArea(file: string): MultiPolygonCoords {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw usageError('area-cells', `${file}: ${errorMessage(err)}`);
  }
  const geometry = (value as { type?: unknown; geometry?: unknown }).type === 'Feature' ? (value as { geometry?: unknown }).geometry : value;
  const area = checkArea(geometry, file);
  if (!area.ok) throw usageError('area-cells', area.message);
  return area.polygons;
}

async function districtPolygons(config: Parameters<typeof openClickHouse>[0], id: string): Promise<MultiPolygonCoords> {
  const ch = openClickHouse(config);
  try {
    const [row] = await queryRows<{ polygons: MultiPolygonCoords }>(ch.client, `SELECT polygons FROM ${TABLES.districts} WHERE id = {id:String}`, { id });
    if (!row) throw usageError('area-cells', `district ${JSON.stringify(id)} is not in fleet.districts ('fleetlake districts list' shows them)`);
    return row.polygons;
  } finally {
    await ch.close();
  }
}
