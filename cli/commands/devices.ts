import { readFileSync } from 'node:fs';
import { openClickHouse } from '../../core/clickhouse.ts';
import { FleetlakeError, errorMessage } from '../../core/errors.ts';
import { TABLES } from '../../core/names.ts';
import { parseDevicesCsv } from '../../gateway/devices-csv.ts';
import { createDeviceStore } from '../../gateway/device-store.ts';
import { parseCommandArgs, usageError } from '../args.ts';
import type { Command } from '../command.ts';

export const devicesCommand: Command = {
  name: 'devices',
  summary: 'manage the device registry the gateway reads (fleet.devices): add, list, disable, import',
  help: `Usage: fleetlake devices add <device-id> --vehicle <id> [--type <type>]
       fleetlake devices list
       fleetlake devices disable <device-id>
       fleetlake devices import devices.csv

A device id is a tracker's IMEI (Teltonika, GT06) or the id a phone running
Traccar Client sends. The gateway files its positions under the vehicle id
given here; devices not in the registry are refused (gateway.unknown_devices =
reject, the default) or registered under their own id (register).

add      registers a device, or changes its vehicle (and enables it again)
list     prints device id, vehicle id, vehicle type and enabled, tab-separated
disable  refuses the device from now on (its positions stay in the lake)
import   adds or changes every device of a CSV file with lines
         device_id,vehicle_id[,vehicle_type[,enabled]] (a header line with
         these names is allowed); a bad line fails the whole import

Running gateways see changes within gateway.registry_refresh (default 10s).
Needs 'fleetlake migrate'.`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs('devices', ctx.argv, { vehicle: { type: 'string' }, type: { type: 'string' } }, true);
    const [action, arg, ...extra] = positionals;
    if (extra.length > 0) throw usageError('devices', `unexpected arguments: ${extra.join(' ')}`);
    if (action !== 'add' && action !== 'list' && action !== 'disable' && action !== 'import') {
      throw usageError('devices', `give an action, add, list, disable or import${action ? `, not ${JSON.stringify(action)}` : ''}`);
    }
    if ((values.vehicle !== undefined || values.type !== undefined) && action !== 'add') throw usageError('devices', '--vehicle and --type only apply to add');
    if (action === 'list' && arg !== undefined) throw usageError('devices', 'list takes no argument');
    if (action !== 'list' && arg === undefined) throw usageError('devices', `${action} needs ${action === 'import' ? 'a CSV file' : 'a device id'}`);
    if (action === 'add' && values.vehicle === undefined) throw usageError('devices', 'add needs --vehicle <id>');

    // Read and check an import file before touching the lake.
    let imported;
    if (action === 'import') {
      let text: string;
      try {
        text = readFileSync(arg!, 'utf8');
      } catch (err) {
        throw new FleetlakeError('DEVICE_IMPORT_INVALID', { path: arg!, line: 0, detail: errorMessage(err) });
      }
      imported = parseDevicesCsv(text, arg!);
    }
    const ch = openClickHouse(ctx.loadConfig());
    try {
      const store = createDeviceStore(ch.client);
      switch (action) {
        case 'list': {
          const devices = await store.list();
          for (const d of devices) ctx.stdout.write(`${d.device_id}\t${d.vehicle_id}\t${d.vehicle_type || '-'}\t${d.enabled ? 'enabled' : 'disabled'}\n`);
          if (devices.length === 0) ctx.stdout.write(`no devices in ${TABLES.devices}: add one with 'fleetlake devices add <device-id> --vehicle <id>'\n`);
          return 0;
        }
        case 'add':
          await store.put([{ device_id: arg!, vehicle_id: values.vehicle!, vehicle_type: values.type ?? '', enabled: true }], 'cli');
          ctx.stdout.write(`device ${arg} → vehicle ${values.vehicle}${values.type ? ` (${values.type})` : ''}, enabled\n`);
          return 0;
        case 'disable': {
          const current = await store.get(arg!);
          if (!current) throw new FleetlakeError('DEVICE_NOT_FOUND', { id: arg! });
          await store.put([{ ...current, enabled: false }], 'cli');
          ctx.stdout.write(`device ${arg} disabled\n`);
          return 0;
        }
        case 'import':
          await store.put(imported!, 'import');
          ctx.stdout.write(`imported ${imported!.length} devices from ${arg} into ${TABLES.devices}\n`);
          return 0;
      }
    } finally {
      await ch.close();
    }
  },
};
