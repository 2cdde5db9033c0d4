import { describe, expect, it } from 'vitest';
import { createDeviceCommands } from './device-commands.ts';

describe('commands to devices', () => {
  it('go one at a time per device, each answer to the command before it', async () => {
    const commands = createDeviceCommands();
    const sent: string[] = [];
    commands.attach('d1', (c) => sent.push(c));
    const first = commands.send('d1', 'getinfo', 1000);
    const second = commands.send('d1', 'getver', 1000);
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['getinfo']);
    commands.answered('d1', 'info');
    expect(await first).toEqual({ status: 'answered', answer: 'info' });
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['getinfo', 'getver']);
    commands.answered('d1', 'ver');
    expect(await second).toEqual({ status: 'answered', answer: 'ver' });
  });

  it('a detached device is offline, and a newer connection of the same device is not detached by the old one', async () => {
    const commands = createDeviceCommands();
    const detachOld = commands.attach('d1', () => {});
    const sent: string[] = [];
    commands.attach('d1', (c) => sent.push(c));
    detachOld();
    void commands.send('d1', 'getinfo', 50);
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual(['getinfo']);
    expect(await commands.send('d2', 'getinfo', 50)).toEqual({ status: 'offline' });
  });
});
