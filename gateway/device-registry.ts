import type { Logger } from '../core/logger.ts';
import type { DeviceEntry, DeviceStore } from './device-store.ts';
import type { Vehicle } from './to-positions.ts';

export type UnknownDevicePolicy = 'reject' | 'register';

export type Resolution =
  | { readonly kind: 'known'; readonly vehicle: Vehicle }
  /** Registered just now under gateway.unknown_devices = register. */
  | { readonly kind: 'registered'; readonly vehicle: Vehicle }
  | { readonly kind: 'disabled' }
  | { readonly kind: 'unknown' };

/**
 * The gateway's in-memory view of fleet.devices: logins are answered from
 * memory (a device must not wait on ClickHouse), and the view is reread every
 * gateway.registry_refresh so `fleetlake devices add` reaches running gateways.
 */
export interface DeviceRegistry {
  resolve(deviceId: string): Resolution;
  /** Rereads fleet.devices; a failure keeps the previous view and is logged. */
  refresh(): Promise<void>;
  close(): void;
}

export interface RegistryOptions {
  readonly store: DeviceStore;
  readonly policy: UnknownDevicePolicy;
  readonly refreshMs: number;
  readonly logger: Logger;
}

export async function createDeviceRegistry(options: RegistryOptions): Promise<DeviceRegistry> {
  const { store, policy, logger } = options;
  let devices = new Map<string, DeviceEntry>();
  const refresh = async () => {
    try {
      devices = new Map((await store.list()).map((d) => [d.device_id, d]));
    } catch (err) {
      logger.warn({ err }, 'cannot reread fleet.devices; the gateway keeps its previous view');
    }
  };
  await refresh();
  const timer = setInterval(() => void refresh(), options.refreshMs);
  timer.unref();
  return {
    resolve(deviceId) {
      const entry = devices.get(deviceId);
      if (entry) return entry.enabled ? { kind: 'known', vehicle: { vehicle_id: entry.vehicle_id, vehicle_type: entry.vehicle_type } } : { kind: 'disabled' };
      if (policy === 'reject') return { kind: 'unknown' };
      const registered: DeviceEntry = { device_id: deviceId, vehicle_id: deviceId, vehicle_type: '', enabled: true };
      devices.set(deviceId, registered);
      store.put([registered], 'gateway').catch((err: unknown) => logger.warn({ err, deviceId }, 'cannot record the registration in fleet.devices; positions still flow'));
      return { kind: 'registered', vehicle: { vehicle_id: deviceId, vehicle_type: '' } };
    },
    refresh,
    close: () => clearInterval(timer),
  };
}
