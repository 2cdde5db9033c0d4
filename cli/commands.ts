import type { Command } from './command.ts';
import { brokerCommand } from './commands/broker.ts';
import { migrateCommand } from './commands/migrate.ts';
import { sqlCommand } from './commands/sql.ts';

/** Every `fleetlake` subcommand, in the order `fleetlake --help` lists them. */
export const COMMANDS: readonly Command[] = [
  migrateCommand,
  sqlCommand,
  brokerCommand,
];
