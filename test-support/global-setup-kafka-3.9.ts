import { sharedKafka } from './global-setup.ts';

/** The compatibility project's broker: the last Kafka line before 4.0 removed old protocol versions. */
export const { setup, teardown } = sharedKafka('3.9.1');
