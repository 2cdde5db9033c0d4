import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FleetlakeError } from '../core/errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` with errors that say which command and point to its --help. */
export function parseCommandArgs<O extends Options>(command: string, argv: readonly string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (err) {
    throw new FleetlakeError('USAGE', { detail: `fleetlake ${command}: ${(err as Error).message}. See 'fleetlake ${command} --help'.` });
  }
}

export function usageError(command: string, message: string): FleetlakeError {
  return new FleetlakeError('USAGE', { detail: `fleetlake ${command}: ${message}. See 'fleetlake ${command} --help'.` });
}
