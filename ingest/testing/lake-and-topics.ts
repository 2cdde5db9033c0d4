import { afterAll, beforeAll, inject } from 'vitest';
import { openTestLake, type TestLake } from '../../test-support/lake.ts';
import { createTestTopics, type TestTopics } from './kafka-topics.ts';

export interface LakeAndTopics {
  readonly lake: TestLake;
  readonly topics: TestTopics;
}

/**
 * The fixture of a Kafka ingest test file: a migrated embedded lake and a
 * unique topic, dead-letter topic and group on the shared broker, opened before
 * the file's tests and removed after them. Read it inside a test, once the
 * hooks have run.
 */
export function useLakeAndTopics(partitions: number): LakeAndTopics {
  let lake: TestLake | undefined;
  let topics: TestTopics | undefined;
  beforeAll(async () => {
    lake = await openTestLake();
    topics = await createTestTopics(inject('kafkaBrokers'), partitions);
  });
  afterAll(async () => {
    await topics?.close();
    await lake?.dispose();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the test ${what} is read before beforeAll opened it`);
    return value;
  };
  return {
    get lake() {
      return ready(lake, 'lake');
    },
    get topics() {
      return ready(topics, 'topics');
    },
  };
}
