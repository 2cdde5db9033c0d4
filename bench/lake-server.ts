/**
 * node --import tsx bench/lake-server.ts — an embedded lake (FLEETLAKE_DATA_DIR)
 * served read-write over ClickHouse's HTTP interface on 127.0.0.1, standing in
 * for the ClickHouse server a deployed stage talks to (CLICKHOUSE_URL): no
 * server runs on this machine. Benchmarks only: unlike `fleetlake start`'s
 * read-only door it runs any statement, so it must never face a network.
 * Prints `lake server: URL` once listening; stops on SIGTERM.
 */
import type { ClickHouseSettings } from '@clickhouse/client';
import { answerError, answerOutput, listenHttpInterface } from '../allinone/http-protocol.ts';
import { openClickHouse } from '../core/clickhouse.ts';
import { loadConfig } from '../core/config.ts';
import { returnsRows, trailingFormat } from '../core/sql-text.ts';

const lake = openClickHouse(loadConfig());
const endpoint = await listenHttpInterface(async (request, res) => {
  // An INSERT's rows follow its FORMAT clause, so only a statement that returns rows gets one.
  const { statement, format } = trailingFormat(request.text);
  const outputFormat = format ?? request.defaultFormat ?? 'TabSeparated';
  const query = returnsRows(statement) ? `${statement}\nFORMAT ${outputFormat}` : request.text;
  try {
    const { stream } = await lake.client.exec({ query, query_params: request.queryParams, clickhouse_settings: request.settings as ClickHouseSettings });
    await answerOutput(res, stream, outputFormat);
  } catch (err) {
    answerError(res, err, 500);
  }
}, { port: 0 });
console.log(`lake server: ${endpoint.url}`);
process.once('SIGTERM', () => void endpoint.close().then(() => lake.close()));
