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
});
