import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../generator/sink.ts';
import { createGroupCommit } from './gateway-output.ts';

const m = (key: string): OutgoingMessage => ({ key, value: key });

describe('the group commit in front of the broker', () => {
  it('sends writes that arrive while sends are in flight together, at most maxInFlight at once, and resolves each only after its send', async () => {
    const sends: { positions: string[]; frames: string[]; done: () => void }[] = [];
    const output = createGroupCommit(
      (positions, frames) => new Promise<void>((resolve) => sends.push({ positions: positions.map((x) => x.key), frames: frames.map((x) => x.key), done: resolve })),
      async () => {},
      2,
    );
    const resolved: string[] = [];
    const write = (name: string) => output.write([m(`p-${name}`)], [m(`f-${name}`)]).then(() => resolved.push(name));
    const writes = [write('a'), write('b'), write('c'), write('d')];
    await Promise.resolve();
    // a and b each started a send (two in flight); c and d wait and will go together.
    expect(sends.map((s) => s.positions)).toEqual([['p-a'], ['p-b']]);
    sends[1]!.done();
    await new Promise((r) => setTimeout(r, 0));
    expect(resolved).toEqual(['b']);
    expect(sends.map((s) => s.positions)).toEqual([['p-a'], ['p-b'], ['p-c', 'p-d']]);
    expect(sends[2]!.frames).toEqual(['f-c', 'f-d']);
    sends[0]!.done();
    sends[2]!.done();
    await Promise.all(writes);
    expect(resolved.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rejects every write of a failed send (no ACK: the devices send again) and keeps going', async () => {
    let fail = true;
    const output = createGroupCommit(async () => {
      if (fail) throw new Error('broker gone');
    }, async () => {});
    await expect(output.write([m('a')], [])).rejects.toThrow('broker gone');
    fail = false;
    await expect(output.write([m('b')], [])).resolves.toBeUndefined();
  });

  it('close waits for the sends in flight before closing the sinks', async () => {
    const order: string[] = [];
    let finish!: () => void;
    const output = createGroupCommit(
      () => new Promise<void>((resolve) => (finish = () => (order.push('sent'), resolve()))),
      async () => void order.push('closed'),
    );
    const pending = output.write([m('a')], []);
    const closing = output.close();
    await new Promise((r) => setTimeout(r, 10));
    finish();
    await Promise.all([pending, closing]);
    expect(order).toEqual(['sent', 'closed']);
  });
});
