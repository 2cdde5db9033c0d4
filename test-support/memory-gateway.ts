import { loadConfig } from '../core/config.ts';
import { createSilentLogger } from '../core/logger.ts';
import { parsePosition, type Position } from '../core/position.ts';
import type { OutgoingMessage } from '../generator/sink.ts';
import { createDeviceStore, type DeviceEntry } from '../gateway/device-store.ts';
import { createGroupCommit } from '../gateway/gateway-output.ts';
import { startGateway, type RunningGateway } from '../gateway/run-gateway.ts';
import type { TestLake } from './lake.ts';

export interface MemoryGateway {
  readonly gateway: RunningGateway;
  /** Positions the output took, in order. */
  readonly positions: Position[];
  /** Archived frames the output took. */
  readonly frames: OutgoingMessage[];
  /** While set, the output does not finish a write until the promise resolves: ACKs wait. */
  hold: Promise<void> | undefined;
}

/**
 * A gateway on free ports whose output is memory (a fake, for unit tests of
 * the listeners and the simulator; gateway-kafka.test.ts proves the broker
 * path), with `devices` registered in the lake's fleet.devices.
 */
export async function startMemoryGateway(lake: TestLake, devices: readonly DeviceEntry[], gateway: Record<string, unknown> = {}): Promise<MemoryGateway> {
  await createDeviceStore(lake.ch.client).put(devices, 'cli');
  const state: Omit<MemoryGateway, 'gateway'> = { positions: [], frames: [], hold: undefined };
  const output = createGroupCommit(
    async (p, f) => {
      await state.hold;
      for (const m of p) {
        const check = parsePosition(m.value);
        if (!check.ok) throw new Error(check.detail);
        state.positions.push(check.position);
      }
      state.frames.push(...f);
    },
    async () => {},
  );
  const config = loadConfig({ env: {}, overrides: { gateway: { host: '127.0.0.1', teltonika_port: 0, gt06_port: 0, osmand_port: 0, ...gateway } } });
  const running = await startGateway({ config, client: lake.ch.client, output, logger: createSilentLogger() });
  return Object.assign(state, { gateway: running });
}
