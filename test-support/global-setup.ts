import type { TestProject } from 'vitest/node';
import { startLocalKafka, type LocalKafka } from '../broker/local-kafka.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap brokers of the Kafka every suite of the project shares: KAFKA_BROKERS when set, else a throwaway local broker. */
    kafkaBrokers: string[];
  }
}

/** Global setup of a test project: provides a Kafka broker of the given version (default: the current line) for its whole run. */
export function sharedKafka(version?: string) {
  let kafka: LocalKafka | undefined;
  return {
    async setup(project: TestProject): Promise<void> {
      const fromEnv = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);
      if (fromEnv && fromEnv.length > 0) {
        project.provide('kafkaBrokers', fromEnv);
        return;
      }
      kafka = await startLocalKafka({ port: 0, dataDir: undefined, version, log: (line: string) => process.stderr.write(`[kafka ${version ?? 'default'}] ${line}\n`) });
      project.provide('kafkaBrokers', [kafka.bootstrap]);
    },
    async teardown(): Promise<void> {
      await kafka?.stop();
    },
  };
}

export const { setup, teardown } = sharedKafka();
