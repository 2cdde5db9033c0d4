import type { TestProject } from 'vitest/node';
import { startLocalKafka, type LocalKafka } from '../broker/local-kafka.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap brokers of the Kafka every suite shares: KAFKA_BROKERS when set, else a throwaway local broker. */
    kafkaBrokers: string[];
  }
}

let kafka: LocalKafka | undefined;

export async function setup(project: TestProject): Promise<void> {
  const fromEnv = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
  if (fromEnv && fromEnv.length > 0) {
    project.provide('kafkaBrokers', fromEnv);
    return;
  }
  kafka = await startLocalKafka({ port: 0, dataDir: undefined, log: (line: string) => process.stderr.write(`[kafka] ${line}\n`) });
  project.provide('kafkaBrokers', [kafka.bootstrap]);
}

export async function teardown(): Promise<void> {
  await kafka?.stop();
}
