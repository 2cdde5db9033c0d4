import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleetlake } from '../../test-support/run-fleetlake.ts';

/** `fleetlake devices` end to end on one embedded lake: add, list, disable, import, and each mistake a user can make. */
describe('fleetlake devices', () => {
  let dir: string;
  const fleetlake = (...argv: string[]) => runFleetlake(argv, { FLEETLAKE_DATA_DIR: dir });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetlake-devices-'));
    expect((await fleetlake('migrate')).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('add, list and disable', async () => {
    expect((await fleetlake('devices', 'list')).stdout).toContain("no devices in fleet.devices: add one with 'fleetlake devices add <device-id> --vehicle <id>'");
    expect((await fleetlake('devices', 'add', '356307042441013', '--vehicle', 'truck-12', '--type', 'truck')).stdout).toBe('device 356307042441013 → vehicle truck-12 (truck), enabled\n');
    expect((await fleetlake('devices', 'add', 'phone-7', '--vehicle', 'bike-7')).code).toBe(0);
    expect((await fleetlake('devices', 'disable', 'phone-7')).stdout).toBe('device phone-7 disabled\n');
    expect((await fleetlake('devices', 'list')).stdout).toBe('356307042441013\ttruck-12\ttruck\tenabled\nphone-7\tbike-7\t-\tdisabled\n');
    // Adding again moves the device to another vehicle and enables it.
    await fleetlake('devices', 'add', 'phone-7', '--vehicle', 'bike-8');
    expect((await fleetlake('devices', 'list')).stdout).toContain('phone-7\tbike-8\t-\tenabled\n');
  });

  it('import adds every device of a CSV file, header or not', async () => {
    const file = join(dir, 'devices.csv');
    writeFileSync(file, 'device_id,vehicle_id,vehicle_type,enabled\n# the vans\n864717003283581,van-1,van\n123456789012345,van-2,van,false\n\n');
    expect((await fleetlake('devices', 'import', file)).stdout).toBe(`imported 2 devices from ${file} into fleet.devices\n`);
    const list = (await fleetlake('devices', 'list')).stdout;
    expect(list).toContain('864717003283581\tvan-1\tvan\tenabled\n');
    expect(list).toContain('123456789012345\tvan-2\tvan\tdisabled\n');
  });

  it.each([
    [['devices'], 'give an action, add, list, disable or import'],
    [['devices', 'add', 'x'], 'add needs --vehicle <id>'],
    [['devices', 'add', 'a b', '--vehicle', 'v'], 'DEVICE_INVALID: device id "a b" must be 1 to 64 of A-Z a-z 0-9 . _ : -'],
    [['devices', 'add', 'x', '--vehicle', 'v', '--type', 'Van'], 'vehicle type "Van" must be 1 to 32 of a-z 0-9 _ -'],
    [['devices', 'disable', 'nobody'], 'DEVICE_NOT_FOUND: device nobody is not in fleet.devices'],
    [['devices', 'list', '--vehicle', 'v'], '--vehicle and --type only apply to add'],
    [['devices', 'import', '/nonexistent.csv'], 'DEVICE_IMPORT_INVALID: /nonexistent.csv line 0'],
  ])('%j fails saying: %s', async (argv, message) => {
    const result = await fleetlake(...argv);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });

  it('a bad import line fails the whole import, naming the line', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, '111,car-1\n222,car 2\n');
    const result = await fleetlake('devices', 'import', file);
    expect(result.stderr).toContain(`DEVICE_IMPORT_INVALID: ${file} line 2: vehicle id "car 2" must be`);
    expect((await fleetlake('devices', 'list')).stdout).not.toContain('111\t');
    writeFileSync(file, '111,car-1\n111,car-2\n');
    expect((await fleetlake('devices', 'import', file)).stderr).toContain('line 2: device 111 is already on line 1');
  });
});
