import { readFileSync } from 'node:fs';
import { openClickHouse } from '../../core/clickhouse.ts';
import { returnsRows, splitStatements, trailingFormat } from '../../core/sql-text.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const sqlCommand: Command = {
  name: 'sql',
  summary: 'run SQL against the lake and print the result (clickhouse-client for the embedded mode)',
  help: `Usage: fleetlake sql "<query>" [--format FORMAT] [--param name=value ...]
       fleetlake sql --file queries/sql/area-vehicles.sql --param from=... [--format FORMAT]

Runs SQL on the configured ClickHouse (server when CLICKHOUSE_URL is set,
otherwise the embedded engine) and prints the result.

  --format F        any ClickHouse output format (default TabSeparated):
                    TSVWithNames, CSVWithNames, JSONEachRow, Pretty, Parquet, ...
  --param name=v    a value for a {name:Type} placeholder; repeatable.
                    The same files run unchanged with
                    clickhouse-client --param_name=v --queries-file FILE
  --file PATH       read the SQL from a file; several statements run in order.

While a running 'fleetlake start' owns the embedded lake, this command reads
it through that process's read-only ClickHouse HTTP interface (and says so on
stderr).`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs('sql', ctx.argv, {
      format: { type: 'string', default: 'TabSeparated' },
      param: { type: 'string', multiple: true, default: [] },
      file: { type: 'string' },
    }, true);
    if (values.file && positionals.length > 0) throw usageError('sql', 'give either a query or --file, not both');
    const text = values.file ? readFileSync(values.file, 'utf8') : positionals.join(' ');
    const statements = splitStatements(text);
    if (statements.length === 0) throw usageError('sql', 'no SQL given');
    const params = parseParams(values.param ?? []);

    const ch = openClickHouse(ctx.loadConfig(), { readThroughOwner: true, onRedirect: (note) => ctx.stderr.write(`fleetlake sql: ${note}\n`) });
    try {
      for (const raw of statements) {
        const { statement, format } = trailingFormat(raw);
        if (!returnsRows(statement)) {
          await ch.client.command({ query: statement, query_params: params });
          continue;
        }
        // exec hands back the raw bytes, so every output format works, binary ones included.
        const { stream } = await ch.client.exec({ query: `${statement}\nFORMAT ${format ?? values.format}`, query_params: params });
        for await (const chunk of stream) ctx.stdout.write(chunk as Buffer);
      }
      return 0;
    } finally {
      await ch.close();
    }
  },
};

function parseParams(items: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw usageError('sql', `--param ${JSON.stringify(item)} must look like name=value`);
    params[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return params;
}
