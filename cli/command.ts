import type { FleetlakeConfig } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';

export interface CommandContext {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Loads and validates the configuration; flags given as overrides win over file and environment. */
  readonly loadConfig: (overrides?: Record<string, Record<string, unknown>>) => FleetlakeConfig;
  readonly logger: Logger;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  readonly stopSignal: AbortSignal;
}

export interface Command {
  readonly name: string;
  /** One line for `fleetlake --help`. */
  readonly summary: string;
  /** The full `fleetlake <name> --help` text. */
  readonly help: string;
  /** Returns the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}
