import { FleetlakeError, errorMessage } from '../core/errors.ts';
import { classifyFailure, clickHouseFailure, type ClickHouseFailure } from '../core/failures.ts';
import { formatDurationMs } from '../core/duration.ts';

/**
 * Turns a ClickHouse failure of a named query into the API's error codes,
 * keeping the server's code and type in the message. Errors arrive either
 * thrown by the client (both modes) or as an `exception` line inside a
 * JSONEachRowWithProgress body that had already started.
 */
const TIMEOUT_CODES = new Set(['159', '160']); // TIMEOUT_EXCEEDED, TOO_SLOW
const SCHEMA_CODES = new Set(['60', '81']); // UNKNOWN_TABLE, UNKNOWN_DATABASE
const BAD_ARGUMENTS = '36';

export function toApiError(err: unknown, query: string, budgetMs: number): FleetlakeError {
  if (err instanceof FleetlakeError) return err;
  const failure = clickHouseFailure(err);
  if (!failure) {
    return new FleetlakeError('CLICKHOUSE_UNAVAILABLE', { detail: `${query} query: ${errorMessage(err)}` }, { cause: err });
  }
  return fromFailure(failure, query, budgetMs, err);
}

export function fromFailure(failure: ClickHouseFailure, query: string, budgetMs: number, cause?: unknown): FleetlakeError {
  // pointInPolygon validates a MultiPolygon (boost::geometry) and names the flaw: a bad area, not a server fault.
  if (failure.code === BAD_ARGUMENTS && /Polygon is not valid/.test(failure.message)) {
    return new FleetlakeError('API_INVALID_AREA', { detail: `area: ${failure.message.split(': while executing')[0]}` }, { cause });
  }
  if (TIMEOUT_CODES.has(failure.code)) return new FleetlakeError('API_QUERY_TIMEOUT', { query, budget: formatDurationMs(budgetMs) }, { cause });
  if (SCHEMA_CODES.has(failure.code)) return new FleetlakeError('API_SCHEMA_MISSING', { tables: `tables the ${query} query reads (${firstLine(failure.message)})` }, { cause });
  const type = failure.type ? ` ${failure.type}` : '';
  // A failure that passes by itself (memory, too many queries, a replica restarting) is the lake being unavailable: 503, ask again.
  if (classifyFailure(failure).kind === 'transient') {
    return new FleetlakeError('CLICKHOUSE_UNAVAILABLE', { detail: `${query} query: code ${failure.code}${type}: ${firstLine(failure.message)}` }, { cause });
  }
  return new FleetlakeError('API_QUERY_FAILED', { query, detail: `code ${failure.code}${type}: ${firstLine(failure.message)}` }, { cause });
}

export function isTimeout(err: unknown): boolean {
  return err instanceof FleetlakeError && err.code === 'API_QUERY_TIMEOUT';
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 500);
}
