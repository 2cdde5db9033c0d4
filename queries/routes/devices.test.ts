import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeviceStore } from '../../gateway/device-store.ts';
import { openApiTestLake, type ApiTestLake } from '../testing/api-lake.ts';

/** GET /v1/devices on a lake with generated positions: presence and last position come from the device's vehicle. */
describe('GET /v1/devices', () => {
  let t: ApiTestLake;
  beforeAll(async () => {
    t = await openApiTestLake({ vehicles: 5, hours: 1 });
    await createDeviceStore(t.lake.ch.client).put(
      [
        { device_id: '350000000000001', vehicle_id: 'v-00001', vehicle_type: 'car', enabled: true },
        { device_id: 'phone-9', vehicle_id: 'nobody-yet', vehicle_type: '', enabled: false },
      ],
      'cli',
    );
  });
  afterAll(async () => t?.close());

  it('lists each device with online, last seen and last position', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/devices' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ devices: { device_id: string; online: boolean; last_seen: string | null; last_position: { lat: number } | null; enabled: boolean }[] }>();
    expect(body.devices.map((d) => d.device_id)).toEqual(['350000000000001', 'phone-9']);
    const [tracker, phone] = body.devices;
    // The API clock is a minute past the data: online within the default 10 minutes.
    expect(tracker).toMatchObject({ vehicle_id: 'v-00001', vehicle_type: 'car', enabled: true, online: true });
    expect(tracker!.last_seen).not.toBeNull();
    expect(typeof tracker!.last_position?.lat).toBe('number');
    expect(phone).toEqual({ device_id: 'phone-9', vehicle_id: 'nobody-yet', vehicle_type: '', enabled: false, online: false, last_seen: null, last_position: null });
    const strict = (await t.app.inject({ method: 'GET', url: '/v1/devices?online_within=30s' })).json<{ devices: { online: boolean }[] }>();
    expect(strict.devices.map((d) => d.online)).toEqual([false, false]);
    expect((await t.app.inject({ method: 'GET', url: '/v1/devices?limit=1' })).json()).toMatchObject({ truncated: true });
  });

  it('refuses an online_within that is not a duration', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/devices?online_within=soon' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('online_within \\"soon\\" is not a duration');
  });

  it('PUT registers a device, moves it to another vehicle and disables it; GET shows each change', async () => {
    const put = (body: object) => t.app.inject({ method: 'PUT', url: '/v1/devices/352093086403655', payload: body });
    const added = await put({ vehicle_id: 'v-00002', vehicle_type: 'van' });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toEqual({ device_id: '352093086403655', vehicle_id: 'v-00002', vehicle_type: 'van', enabled: true });
    expect((await put({ vehicle_id: 'v-00003', enabled: false })).json()).toEqual({ device_id: '352093086403655', vehicle_id: 'v-00003', vehicle_type: '', enabled: false });
    const listed = (await t.app.inject({ method: 'GET', url: '/v1/devices' })).json<{ devices: { device_id: string; vehicle_id: string; enabled: boolean }[] }>();
    expect(listed.devices.find((d) => d.device_id === '352093086403655')).toMatchObject({ vehicle_id: 'v-00003', enabled: false });
    const bad = await put({ vehicle_id: 'no spaces' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('vehicle_id must match pattern');
  });
});
