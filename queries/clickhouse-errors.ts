import { FleetlakeError, errorMessage } from '../core/errors.ts';
import { formatDurationMs } from './time-range.ts';

/**
 * Turns a ClickHouse failure of a named query into the API's error codes,
 * keeping the server's code and type in the message. Errors arrive either
 * thrown by the client (both modes) or as an `exception` line inside a
 * JSONEachRowWithProgress body that had already started.
 */
const TIMEOUT_CODES = new Set(['159', '160']); // TIMEOUT_EXCEEDED, TOO_SLOW
const SCHEMA_CODES = new Set(['60', '81']); // UNKNOWN_TABLE, UNKNOWN_DATABASE
const BAD_ARGUMENTS = '36';

export interface ClickHouseFailure {
  readonly code: string;
  readonly type?: string;
  readonly message: string;
}

/**
 * Reads the server's code from an error, by shape rather than class: the
 * embedded connection throws client-common's ClickHouseError, a different
 * module identity from the one @clickhouse/client exports.
 */
export function clickHouseFailure(err: unknown): ClickHouseFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, type, message } = err as { code?: unknown; type?: unknown; message?: unknown };
  if (typeof code === 'string' && /^\d+$/.test(code)) {
    return { code, type: typeof type === 'string' ? type : undefined, message: typeof message === 'string' ? message : String(err) };
  }
  return undefined;
}

/** Parses "Code: 159. DB::Exception: ... (TIMEOUT_EXCEEDED) (version ...)" from an exception line. */
export function parseExceptionText(text: string): ClickHouseFailure {
  const match = /Code:\s*(\d+)\.\s*(?:DB::Exception:\s*)?([\s\S]*?)(?:\s*\(([A-Z_]+)\))?(?:\s*\(version [^)]*\))?\s*$/.exec(text);
  if (!match) return { code: '0', message: text };
  return { code: match[1]!, type: match[3], message: match[2]!.trim() };
}

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
  return new FleetlakeError('API_QUERY_FAILED', { query, detail: `code ${failure.code}${type}: ${firstLine(failure.message)}` }, { cause });
}

export function isTimeout(err: unknown): boolean {
  return err instanceof FleetlakeError && err.code === 'API_QUERY_TIMEOUT';
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 500);
}
