import type { Command } from './command.ts';
import { brokerCommand } from './commands/broker.ts';
import { ingestCommand } from './commands/ingest.ts';
import { estimateCommand } from './commands/estimate.ts';
import { generateCommand } from './commands/generate.ts';
import { migrateCommand } from './commands/migrate.ts';
import { sqlCommand } from './commands/sql.ts';
import { startCommand } from './commands/start.ts';
import { serveCommand } from './commands/serve.ts';
import { districtsCommand } from './commands/districts.ts';
import { areaCellsCommand } from './commands/area-cells.ts';
import { gatewayCommand } from './commands/gateway.ts';
import { devicesCommand } from './commands/devices.ts';
import { keysCommand } from './commands/keys.ts';
import { eraseCommand } from './commands/erase.ts';

/** Every `fleetlake` subcommand, in the order `fleetlake --help` lists them. */
export const COMMANDS: readonly Command[] = [
  startCommand,
  migrateCommand,
  sqlCommand,
  brokerCommand,
  generateCommand,
  ingestCommand,
  gatewayCommand,
  devicesCommand,
  estimateCommand,
  serveCommand,
  districtsCommand,
  keysCommand,
  eraseCommand,
  areaCellsCommand,
];
