import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs on stderr, so stdout stays free for data (NDJSON sinks,
 * `fleetlake sql` results). One root logger per process; stages take children.
 */
export function createLogger(level: string = process.env.FLEETLAKE_LOG_LEVEL ?? 'info', name = 'fleetlake'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything, for unit tests and library callers that bring none. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
