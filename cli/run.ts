import { loadConfig } from '../core/config.ts';
import { FleetlakeError, errorMessage } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import type { Command, CommandContext } from './command.ts';
import { COMMANDS } from './commands.ts';

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  readonly stopSignal?: AbortSignal;
  readonly commands?: readonly Command[];
}

/** Runs `fleetlake <command> ...args` and returns the exit code; errors are printed, not thrown. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const commands = options.commands ?? COMMANDS;
  const [name, ...rest] = argv;

  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    stdout.write(topLevelHelp(commands));
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    stderr.write(`fleetlake: unknown command "${name}". Commands: ${commands.map((c) => c.name).join(', ')}. See 'fleetlake --help'.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    stdout.write(command.help.trimEnd() + '\n');
    return 0;
  }
  const ctx: CommandContext = {
    argv: rest,
    env,
    stdout,
    stderr,
    loadConfig: (overrides) => loadConfig({ env, overrides }),
    logger: createLogger(env.FLEETLAKE_LOG_LEVEL ?? 'info').child({ command: name }),
    stopSignal: options.stopSignal ?? new AbortController().signal,
  };
  try {
    return await command.run(ctx);
  } catch (err) {
    if (err instanceof FleetlakeError) {
      stderr.write(`fleetlake ${name}: ${err.code}: ${err.message}\n`);
      return err.code === 'USAGE' ? 2 : 1;
    }
    stderr.write(`fleetlake ${name}: ${errorMessage(err)}\n`);
    return 1;
  }
}

function topLevelHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `fleetlake: a streaming data lake for vehicle-fleet GPS positions

Usage: fleetlake <command> [options]     fleetlake <command> --help

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Configuration: fleetlake.yaml (or FLEETLAKE_CONFIG), overridden by environment
variables such as CLICKHOUSE_URL (unset = embedded engine), FLEETLAKE_DATA_DIR
(default ./data) and KAFKA_BROKERS (unset = no broker). See README.md.
`;
}
