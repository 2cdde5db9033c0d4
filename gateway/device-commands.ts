/** What became of a command sent to a device. */
export type CommandResult =
  | { readonly status: 'answered'; readonly answer: string }
  /** No open connection from the device in this gateway process. */
  | { readonly status: 'offline' }
  /** Sent, but no answer within the time given. */
  | { readonly status: 'timeout' };

/**
 * Commands to devices over their open connections (Teltonika Codec 12, GT06
 * 0x80). A session attaches a sender when its device logs in and reports each
 * answer; commands to one device go one at a time, since a device answers in
 * order and an answer does not name its command.
 */
export interface DeviceCommands {
  /** Makes `deviceId` reachable through `send` until the returned detach runs (the connection closed). */
  attach(deviceId: string, send: (command: string) => void): () => void;
  /** A session received an answer from `deviceId`. */
  answered(deviceId: string, answer: string): void;
  /** `onSent` runs when the command is written to the connection (after the device's earlier commands were answered). */
  send(deviceId: string, command: string, timeoutMs: number, onSent?: () => void): Promise<CommandResult>;
  /** Whether `deviceId` has an open connection in this process. */
  connected(deviceId: string): boolean;
  /** Devices with an open connection in this process. */
  readonly connections: number;
  /** Called with each device that logs in (the command relay looks for its queued commands). */
  onAttach(listener: (deviceId: string) => void): void;
}

export function createDeviceCommands(): DeviceCommands {
  const senders = new Map<string, (command: string) => void>();
  const waiting = new Map<string, (answer: string) => void>();
  const queues = new Map<string, Promise<unknown>>();
  let attached: (deviceId: string) => void = () => {};

  const once = (deviceId: string, command: string, timeoutMs: number, onSent?: () => void) =>
    new Promise<CommandResult>((resolve) => {
      const send = senders.get(deviceId);
      if (!send) return resolve({ status: 'offline' });
      const timer = setTimeout(() => {
        waiting.delete(deviceId);
        resolve({ status: 'timeout' });
      }, timeoutMs);
      waiting.set(deviceId, (answer) => {
        clearTimeout(timer);
        waiting.delete(deviceId);
        resolve({ status: 'answered', answer });
      });
      send(command);
      onSent?.();
    });

  return {
    attach(deviceId, send) {
      senders.set(deviceId, send);
      attached(deviceId);
      return () => {
        if (senders.get(deviceId) === send) senders.delete(deviceId);
      };
    },
    answered(deviceId, answer) {
      waiting.get(deviceId)?.(answer);
    },
    send(deviceId, command, timeoutMs, onSent) {
      const previous = queues.get(deviceId) ?? Promise.resolve();
      const next = previous.then(() => once(deviceId, command, timeoutMs, onSent));
      queues.set(deviceId, next);
      void next.finally(() => {
        if (queues.get(deviceId) === next) queues.delete(deviceId);
      });
      return next;
    },
    connected: (deviceId) => senders.has(deviceId),
    get connections() {
      return senders.size;
    },
    onAttach(listener) {
      attached = listener;
    },
  };
}
