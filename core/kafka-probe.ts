import { createKafkaClient } from './kafka-client.ts';

/**
 * One attempt to reach a Kafka cluster: connect, then ask for its metadata.
 * kafkajs' own retries (about 10 s of them) and log lines are off, so the
 * caller's wait owns the pacing, says once per attempt that it waits, and
 * stops promptly when asked to. Throws what went wrong.
 */
export async function probeKafka(brokers: readonly string[], requestTimeoutMs = 5000): Promise<void> {
  const admin = createKafkaClient({ brokers, clientId: 'fleetlake-probe', retries: 0, requestTimeoutMs }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
