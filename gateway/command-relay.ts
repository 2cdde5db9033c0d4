import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { CommandStore, DeviceCommand } from './command-store.ts';
import type { DeviceCommands } from './device-commands.ts';

export interface CommandRelayOptions {
  readonly store: CommandStore;
  readonly commands: DeviceCommands;
  /** This gateway process in the log (fleet.device_commands.actor). */
  readonly actor: string;
  readonly pollMs: number;
  readonly answerTimeoutMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

export interface CommandRelay {
  /** Reads the queue now rather than at the next poll: the API of the same process queued a command (`fleetlake start`). */
  poke(): void;
  /** Stops polling; commands in flight finish on their own (their answers are still recorded). */
  close(): void;
}

/**
 * Carries queued commands (fleet.device_commands) to the devices connected to
 * this gateway process. Every gateway reads the queue every
 * gateway.command_poll, and when one of its devices logs in; only the process
 * holding a device's connection acts on its commands, so with several
 * gateways a command reaches the one its device is connected to, whenever it
 * connects before the command expires. Each change is a row: `sent` when
 * written to the connection, then `answered` or `unanswered`; a command whose
 * device left before its turn stays `queued`.
 */
export function createCommandRelay(options: CommandRelayOptions): CommandRelay {
  const { store, commands, actor, logger } = options;
  const now = options.now ?? Date.now;
  const inFlight = new Set<string>();
  let reading: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const record = (c: DeviceCommand, status: DeviceCommand['status'], answer = '') =>
    store.record({ ...c, status, answer }, actor).catch((err: unknown) => logger.warn({ err: errorMessage(err), command: c.command_id, status }, 'cannot record a command state'));

  const deliver = async (c: DeviceCommand) => {
    inFlight.add(c.command_id);
    try {
      let sent: Promise<void> | undefined;
      const result = await commands.send(c.device_id, c.command, options.answerTimeoutMs, () => (sent = record(c, 'sent')));
      await sent;
      if (result.status === 'answered') await record(c, 'answered', result.answer);
      else if (result.status === 'timeout') await record(c, 'unanswered');
      // offline: the device left before its turn; the command stays queued for its next connection.
    } finally {
      inFlight.delete(c.command_id);
    }
  };

  const read = async () => {
    if (commands.connections === 0) return;
    for (const c of await store.queued()) {
      if (closed || inFlight.has(c.command_id) || !commands.connected(c.device_id) || c.expires_at_ms <= now()) continue;
      void deliver(c);
    }
  };

  const poke = () => {
    if (closed) return;
    if (reading) {
      again = true;
      return;
    }
    reading = read()
      .catch((err: unknown) => logger.warn({ err: errorMessage(err) }, 'cannot read the command queue; trying again at the next poll'))
      .finally(() => {
        reading = undefined;
        if (again) {
          again = false;
          poke();
        }
      });
  };

  const timer = setInterval(poke, options.pollMs);
  timer.unref();
  commands.onAttach(() => poke());
  return {
    poke,
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
