import { openClickHouse, queryRows } from '../../core/clickhouse.ts';
import { DEFAULT_DISTRICTS_FILE, loadDistricts } from '../../core/districts.ts';
import { TABLES } from '../../core/names.ts';
import { replaceDistricts } from '../../queries/districts-store.ts';
import { checkLakeSchema } from '../../queries/lake-check.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const districtsCommand: Command = {
  name: 'districts',
  summary: 'load or list the city districts the query API uses (fleet.districts)',
  help: `Usage: fleetlake districts load [FILE.geojson]
       fleetlake districts list

load  replaces every district in fleet.districts with those of FILE, a GeoJSON
      FeatureCollection of Polygon/MultiPolygon features, each with an id
      (feature id or properties.id) and optionally properties.name. Without
      FILE: the built-in Montréal districts (${DEFAULT_DISTRICTS_FILE}).
list  prints id, name and vertex count of each stored district.

'fleetlake migrate' loads the built-in districts by itself when the table is
empty, so 'load' is only needed for another city. Needs 'fleetlake migrate'.`,
  async run(ctx) {
    const { positionals } = parseCommandArgs('districts', ctx.argv, {}, true);
    const [action, file, ...extra] = positionals;
    if (extra.length > 0) throw usageError('districts', `unexpected arguments: ${extra.join(' ')}`);
    if (action !== 'load' && action !== 'list') throw usageError('districts', `give an action, load or list${action ? `, not ${JSON.stringify(action)}` : ''}`);
    if (action === 'list' && file !== undefined) throw usageError('districts', 'list takes no file');
    // Parse the file before touching the lake: a bad file must not leave the table emptied.
    const districts = action === 'load' ? loadDistricts(file ?? DEFAULT_DISTRICTS_FILE) : [];
    const ch = openClickHouse(ctx.loadConfig());
    try {
      await checkLakeSchema(ch.client);
      if (action === 'load') {
        await replaceDistricts(ch.client, districts);
        ctx.stdout.write(`loaded ${districts.length} districts from ${file ?? DEFAULT_DISTRICTS_FILE} into ${TABLES.districts}\n`);
        return 0;
      }
      const rows = await queryRows<{ id: string; name: string; vertices: string }>(
        ch.client,
        `SELECT id, name, length(arrayFlatten(polygons)) AS vertices FROM ${TABLES.districts} ORDER BY id`,
      );
      for (const row of rows) ctx.stdout.write(`${row.id}\t${row.name}\t${row.vertices} vertices\n`);
      if (rows.length === 0) ctx.stdout.write(`no districts in ${TABLES.districts}: run 'fleetlake districts load'\n`);
      return 0;
    } finally {
      await ch.close();
    }
  },
};
