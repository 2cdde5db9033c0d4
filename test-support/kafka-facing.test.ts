import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KAFKA_FACING } from '../vitest.config.ts';
import { testFiles } from './test-files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The same glob subset vitest's include uses here: literal paths and a `*` within one name. */
function matches(pattern: string, file: string): boolean {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`).test(file);
}

describe('the test projects', () => {
  it('run every file that asks for a broker or starts one in the Kafka projects, not in the unit project that has none', () => {
    const needsBroker = testFiles(ROOT).filter((file) => /inject\('kafkaBrokers'\)|startLocalKafka\(|startLineProducer\(/.test(readFileSync(join(ROOT, file), 'utf8')));
    const unlisted = needsBroker.filter((file) => !KAFKA_FACING.some((pattern) => matches(pattern, file)));
    expect(unlisted).toEqual([]);
    expect(needsBroker.length).toBeGreaterThan(10);
  });
});
