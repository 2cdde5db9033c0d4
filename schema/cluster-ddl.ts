import { FleetlakeError } from '../core/errors.ts';
import { CLUSTER_PLACEMENT, keeperPath, localTable, type Placement } from './cluster-placement.ts';

/**
 * Rewrites one single-node migration statement into the statements that
 * create the same thing on a cluster (schema/cluster-placement.ts says where
 * each table goes). Columns, codecs, sort key, partitioning, TTL and storage
 * policy are carried over untouched; only the engine gains `Replicated` and
 * its Keeper path, names gain `_local` where a Distributed table takes the
 * public name, and every statement gains ON CLUSTER so it reaches every node.
 *
 * The migration files stay the single source: a cluster applies the same
 * files (same names, same checksums) through this rendering. Throws on a
 * statement it does not know how to place; cluster-ddl.test.ts renders every
 * shipped migration, so a new kind of statement fails there first.
 */
export function renderClusterStatement(statement: string, cluster: string): string[] {
  const onCluster = `ON CLUSTER ${cluster}`;
  const createTable = /^CREATE TABLE IF NOT EXISTS (\w+\.\w+)(\s*\()/.exec(statement);
  if (createTable) return renderCreateTable(statement, createTable[1]!, onCluster, cluster);

  const view = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+\.\w+) TO (\w+\.\w+) AS\b/.exec(statement);
  if (view) {
    const target = view[2]!;
    const body = statement.slice(view[0].length);
    return [`CREATE MATERIALIZED VIEW IF NOT EXISTS ${view[1]} ${onCluster} TO ${storedName(target)} AS${readLocalTables(body)}`];
  }

  const alter = /^ALTER TABLE (\w+\.\w+)(\s+[\s\S]*)$/.exec(statement);
  if (alter) {
    const table = alter[1]!;
    const commands = replicatedSettingNames(alter[2]!);
    const placement = placementOf(table);
    if (placement.kind === 'everywhere') return [`ALTER TABLE ${table} ${onCluster}${commands}`];
    // Column changes must reach the Distributed table too, or it would not see (or would still expect) the column.
    const columnChange = /\bCOLUMN\b/i.test(commands);
    return [`ALTER TABLE ${localTable(table)} ${onCluster}${commands}`, ...(columnChange ? [`ALTER TABLE ${table} ${onCluster}${commands}`] : [])];
  }

  const drop = /^DROP VIEW IF EXISTS (\w+\.\w+)$/.exec(statement.trim());
  if (drop) return [`DROP VIEW IF EXISTS ${drop[1]} ${onCluster}`];

  const plain = /^(CREATE (?:OR REPLACE )?(?:VIEW|FUNCTION)(?: IF NOT EXISTS)? [\w.]+)(\s[\s\S]*)$/.exec(statement);
  if (plain) return [`${plain[1]} ${onCluster}${plain[2]}`];

  throw new FleetlakeError('MIGRATION_NOT_CLUSTERABLE', { detail: `${statement.slice(0, 120)}; teach schema/cluster-ddl.ts this kind of statement` });
}

function renderCreateTable(statement: string, table: string, onCluster: string, cluster: string): string[] {
  const placement = placementOf(table);
  const stored = storedName(table);
  const engine = /\bENGINE\s*=\s*(\w+)(?:\(([^()]*)\))?/.exec(statement);
  if (!engine) throw new FleetlakeError('MIGRATION_NOT_CLUSTERABLE', { detail: `${table} has no ENGINE clause; give it one (MergeTree family)` });
  const [clause, name, args] = engine as unknown as [string, string, string | undefined];
  if (!/^(Replacing|Summing|Aggregating|Collapsing|VersionedCollapsing)?MergeTree$/.test(name)) {
    throw new FleetlakeError('MIGRATION_NOT_CLUSTERABLE', { detail: `${table} uses ENGINE ${name}, which has no Replicated counterpart; use an engine of the MergeTree family` });
  }
  const replicatedArgs = [`'${keeperPath(stored, placement)}'`, `'{replica}'`, ...(args?.trim() ? [args.trim()] : [])];
  const local = replicatedSettingNames(statement)
    .replace(`CREATE TABLE IF NOT EXISTS ${table}`, `CREATE TABLE IF NOT EXISTS ${stored} ${onCluster}`)
    .replace(clause, `ENGINE = Replicated${name}(${replicatedArgs.join(', ')})`);
  if (placement.kind === 'everywhere') return [local];
  const [database, localName] = stored.split('.') as [string, string];
  return [local, `CREATE TABLE IF NOT EXISTS ${table} ${onCluster} AS ${stored}\nENGINE = Distributed(${cluster}, ${database}, ${localName}, ${placement.shardingKey})`];
}

/** The window of remembered insert blocks: kept in Keeper for Replicated tables, under the replicated setting's name. */
function replicatedSettingNames(text: string): string {
  return text.replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');
}

function placementOf(table: string): Placement {
  const placement = CLUSTER_PLACEMENT[table];
  if (!placement) throw new FleetlakeError('MIGRATION_NOT_CLUSTERABLE', { detail: `${table} has no placement; add it to schema/cluster-placement.ts` });
  return placement;
}

/** The name under which a table's rows are stored on a node: the local table of a sharded one. */
function storedName(table: string): string {
  return placementOf(table).kind === 'sharded' ? localTable(table) : table;
}

/**
 * A materialized view fires on inserts into the table it reads, and on a
 * cluster the rows arrive in each shard's local table: so its FROM (and any
 * `table.column` qualifier) must name the local tables.
 */
function readLocalTables(body: string): string {
  let out = body;
  for (const [table, placement] of Object.entries(CLUSTER_PLACEMENT)) {
    if (placement.kind !== 'sharded') continue;
    const short = table.split('.')[1]!;
    out = out.replace(new RegExp(`\\b${escape(table)}\\b`, 'g'), localTable(table));
    out = out.replace(new RegExp(`(?<![.\\w])${short}\\.(?=\\w)`, 'g'), `${short}_local.`);
  }
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
