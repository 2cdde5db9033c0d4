import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configEnvironmentVariables, loadConfig } from './config.ts';

function dirWith(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlake-config-'));
  writeFileSync(join(dir, 'fleetlake.yaml'), yaml);
  return dir;
}

const emptyDir = () => mkdtempSync(join(tmpdir(), 'fleetlake-config-'));

describe('loadConfig', () => {
  it('works with no file and no environment: embedded engine in ./data, no broker', () => {
    const config = loadConfig({ env: {}, cwd: emptyDir() });
    expect(config.clickhouse.url).toBeUndefined();
    expect(config.clickhouse.data_dir).toBe('./data');
    expect(config.kafka.brokers).toEqual([]);
    expect(config.kafka.topic).toBe('fleet.positions');
    expect(config.retention.hot.text).toBe('30d');
    expect(config.retention.delete_after.text).toBe('7y');
  });

  it('reads fleetlake.yaml and lets environment variables override it', () => {
    const cwd = dirWith('clickhouse:\n  url: http://ch:8123\n  data_dir: /srv/lake\nkafka:\n  brokers: [a:9092, b:9092]\n');
    const fromFile = loadConfig({ env: {}, cwd });
    expect(fromFile.clickhouse.url).toBe('http://ch:8123');
    expect(fromFile.kafka.brokers).toEqual(['a:9092', 'b:9092']);
    const overridden = loadConfig({ env: { CLICKHOUSE_URL: '', KAFKA_BROKERS: 'c:19092', FLEETLAKE_DATA_DIR: '/tmp/x' }, cwd });
    expect(overridden.clickhouse.url).toBeUndefined();
    expect(overridden.kafka.brokers).toEqual(['c:19092']);
    expect(overridden.clickhouse.data_dir).toBe('/tmp/x');
  });

  it('names the key, the value, the source and what is allowed for a bad value', () => {
    expect(() => loadConfig({ env: { KAFKA_BROKERS: 'localhost' }, cwd: emptyDir() })).toThrow(
      'config: kafka.brokers = "localhost" (from environment variable KAFKA_BROKERS) is not allowed: expected host:port',
    );
    expect(() => loadConfig({ env: {}, cwd: dirWith('retention:\n  hot: 30 days\n') })).toThrow(
      /config: retention\.hot = "30 days" \(in .*fleetlake\.yaml\) is not allowed: expected a number followed by ms, s, m, h, d, w or y/,
    );
    expect(() => loadConfig({ env: { CLICKHOUSE_URL: 'ftp://x' }, cwd: emptyDir() })).toThrow(/clickhouse\.url = "ftp:\/\/x".*http:\/\/ or https:\/\/ URL/);
  });

  it('reads environment text into the schema\'s type, and refuses what the schema does not allow instead of rounding it', () => {
    const config = loadConfig({ env: { FLEETLAKE_INGEST_BATCH_ROWS: ' 700 ', KAFKA_BROKERS: 'a:9092, b:9093', FLEETLAKE_INGEST_BATCH_MAX_WAIT: '50ms', CLICKHOUSE_URL: 'http://ch:8123' }, cwd: emptyDir() });
    expect([config.ingest.batch_rows, config.kafka.brokers, config.ingest.batch_max_wait.ms, config.clickhouse.url]).toEqual([700, ['a:9092', 'b:9093'], 50, 'http://ch:8123']);
    expect(() => loadConfig({ env: { FLEETLAKE_INGEST_BATCH_ROWS: '5.5' }, cwd: emptyDir() })).toThrow(
      'config: ingest.batch_rows = "5.5" (from environment variable FLEETLAKE_INGEST_BATCH_ROWS) is not allowed: expected a whole number from 1 to 10000000',
    );
    expect(() => loadConfig({ env: { FLEETLAKE_API_AUTH: 'maybe' }, cwd: emptyDir() })).toThrow('expected one of auto, required, off');
    expect(() => loadConfig({ env: { FLEETLAKE_GENERATOR_CROSS_DISTRICT_SHARE: 'NaN' }, cwd: emptyDir() })).toThrow('expected a number from 0 to 1');
    expect(() => loadConfig({ env: { CLICKHOUSE_URL: 'http://[oops' }, cwd: emptyDir() })).toThrow(/clickhouse\.url = "http:\/\/\[oops"/);
  });

  it('refuses unknown sections and keys, listing what is allowed', () => {
    expect(() => loadConfig({ env: {}, cwd: dirWith('clickhouse:\n  ulr: http://x\n') })).toThrow(
      /unknown key "clickhouse\.ulr" .*allowed keys in clickhouse: url, user, password, data_dir/,
    );
    expect(() => loadConfig({ env: {}, cwd: dirWith('clickhose:\n  url: http://x\n') })).toThrow(/unknown section "clickhose".*allowed sections: clickhouse, kafka/);
  });

  it('refuses a file that is not YAML, or not a mapping', () => {
    expect(() => loadConfig({ env: {}, cwd: dirWith('clickhouse: [unclosed\n') })).toThrow(/cannot read config file .*fleetlake\.yaml/);
    expect(() => loadConfig({ env: {}, cwd: dirWith('- just\n- a list\n') })).toThrow(/must be a mapping of sections/);
  });

  it('refuses an explicit config file that does not exist', () => {
    expect(() => loadConfig({ env: { FLEETLAKE_CONFIG: 'nope.yaml' }, cwd: emptyDir() })).toThrow(/cannot read config file .*nope\.yaml/);
  });

  it('refuses a hot period that is not shorter than the retention', () => {
    expect(() => loadConfig({ env: { FLEETLAKE_RETENTION_HOT: '8y' }, cwd: emptyDir() })).toThrow(
      'config: retention.hot = 8y must be shorter than retention.delete_after = 7y: shorten the hot period (FLEETLAKE_RETENTION_HOT) or keep positions longer (FLEETLAKE_RETENTION_DELETE_AFTER)',
    );
  });

  it('lists every environment variable it reads', () => {
    expect(configEnvironmentVariables()).toEqual(expect.arrayContaining(['CLICKHOUSE_URL', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'FLEETLAKE_DATA_DIR', 'KAFKA_BROKERS']));
  });
});
