import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFleetlake } from '../../test-support/run-fleetlake.ts';

/** The mistakes `fleetlake gateway` refuses before listening (a busy port: gateway/gateway.test.ts). */
describe('fleetlake gateway', () => {
  it('needs a broker, saying how to get one', async () => {
    const result = await runFleetlake(['gateway'], { KAFKA_BROKERS: '' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('BROKER_UNAVAILABLE: Kafka broker: the gateway publishes to Kafka: set KAFKA_BROKERS');
  });

  it('refuses a port that is not one, naming the key', async () => {
    const result = await runFleetlake(['gateway', '--gt06-port', '70000'], { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(result.stderr).toContain('gateway.gt06_port = "70000" is not allowed: expected a whole number from 0 to 65535');
  });

  it('lists its flags in --help', async () => {
    const { stdout } = await runFleetlake(['gateway', '--help']);
    for (const flag of ['--teltonika-port', '--gt06-port', '--osmand-port', '--host']) expect(stdout).toContain(flag);
  });

  it.each([
    [['gateway', 'replay', '--to', '2026-12-06T09:00:00Z'], '--from is required'],
    [['gateway', 'replay', '--from', 'yesterday', '--to', '2026-12-06T09:00:00Z'], '--from must be an ISO 8601 time such as 2026-12-06T08:00:00Z, not "yesterday"'],
    [['gateway', 'replay', '--from', '2026-12-06T09:00:00Z', '--to', '2026-12-06T08:00:00Z'], '--to 2026-12-06T08:00:00Z must be after --from'],
    [['gateway', 'replay', '--from', '2026-12-06T08:00:00Z', '--to', '2026-12-06T09:00:00Z', '--vehicle', 'x'], "Unknown option '--vehicle'"],
  ])('replay refuses %j', async (argv, message) => {
    const result = await runFleetlake(argv);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });

  it('replay reports what it did (gateway/replay-frames.test.ts has the replay itself)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetlake-replay-'));
    try {
      expect((await runFleetlake(['migrate'], { FLEETLAKE_DATA_DIR: dir })).code).toBe(0);
      const result = await runFleetlake(['gateway', 'replay', '--from', '2026-12-06T08:00:00Z', '--to', '2026-12-06T09:00:00Z', '--device', '356307042441013'], { FLEETLAKE_DATA_DIR: dir });
      expect(result.stdout).toBe('replayed 0 frames: 0 positions, 0 written, 0 already stored; 0 records without a fix\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
