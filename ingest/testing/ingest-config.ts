import { loadConfig, type FleetlakeConfig } from '../../core/config.ts';
import type { TestTopics } from './kafka-topics.ts';

/** Configuration for an in-process ingest test: the test's lake, topics and group, no metrics port, small batches. */
export function testIngestConfig(dataDir: string, brokers: string[], topics: TestTopics, ingest: Record<string, unknown> = {}): FleetlakeConfig {
  return loadConfig({
    env: {},
    overrides: {
      clickhouse: { data_dir: dataDir },
      kafka: { brokers, topic: topics.topic, dlq_topic: topics.dlqTopic },
      ingest: { group_id: topics.groupId, metrics_port: 0, session_timeout: '10s', ...ingest },
    },
  });
}
