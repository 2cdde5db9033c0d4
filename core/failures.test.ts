import { describe, expect, it } from 'vitest';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from './kafkajs.ts';
import { classifyFailure } from './failures.ts';
import { UndecodableBatchError } from './kafka-codecs.ts';

/** The shape both ClickHouse clients throw: the server's code and type on the error. */
const clickhouse = (code: string, type: string) => Object.assign(new Error(`${type} happened`), { code, type });
/** kafkajs' protocol errors as it builds them from a broker's error code. */
const protocol = (type: string, retriable: boolean) => Object.assign(new KafkaJSProtocolError(type), { type, retriable });

describe('classifyFailure', () => {
  it.each([
    ['60', 'UNKNOWN_TABLE', 'run `fleetlake migrate`'],
    ['81', 'UNKNOWN_DATABASE', 'run `fleetlake migrate`'],
    ['516', 'AUTHENTICATION_FAILED', 'check clickhouse.user and clickhouse.password'],
    ['164', 'READONLY', 'give ingest a user that may insert'],
    ['497', 'ACCESS_DENIED', 'grant the user'],
    ['53', 'TYPE_MISMATCH', 'run `fleetlake migrate`'],
  ])('ClickHouse %s %s is permanent, saying what to do', (code, type, action) => {
    const failure = classifyFailure(clickhouse(code, type));
    expect(failure).toMatchObject({ kind: 'permanent', system: 'clickhouse', cause: `ClickHouse ${code} ${type}` });
    expect(failure.action).toContain(action);
  });

  it.each([
    ['241', 'MEMORY_LIMIT_EXCEEDED'],
    ['252', 'TOO_MANY_PARTS'],
    ['202', 'TOO_MANY_SIMULTANEOUS_QUERIES'],
    ['242', 'TABLE_IS_READ_ONLY'],
    ['999', 'KEEPER_EXCEPTION'],
  ])('ClickHouse %s %s is transient', (code, type) => {
    expect(classifyFailure(clickhouse(code, type))).toMatchObject({ kind: 'transient', system: 'clickhouse' });
  });

  it('a ClickHouse code neither list knows is unknown: ingest retries it, the API reports a failed query', () => {
    expect(classifyFailure(clickhouse('36', 'BAD_ARGUMENTS')).kind).toBe('unknown');
  });

  it('reads the code from the text of an HTTP error that carries only the exception line', () => {
    expect(classifyFailure(new Error('Code: 516. DB::Exception: default: Authentication failed. (AUTHENTICATION_FAILED) (version 25.8.1.1)'))).toMatchObject({
      kind: 'permanent',
      cause: 'ClickHouse 516 AUTHENTICATION_FAILED',
    });
  });

  it('a request that got no answer (refused, reset) is transient', () => {
    expect(classifyFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }))).toEqual({
      kind: 'transient',
      system: 'other',
      cause: 'Error ECONNREFUSED',
    });
  });

  it.each(['TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'SASL_AUTHENTICATION_FAILED', 'MESSAGE_TOO_LARGE'])('Kafka %s is permanent', (type) => {
    expect(classifyFailure(protocol(type, false))).toMatchObject({ kind: 'permanent', system: 'kafka', cause: `Kafka ${type}` });
  });

  it('looks through kafkajs retries to the failure that ended them', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(protocol('TOPIC_AUTHORIZATION_FAILED', false), { retryCount: 5, retryTime: 100 });
    expect(classifyFailure(exhausted)).toMatchObject({ kind: 'permanent', cause: 'Kafka TOPIC_AUTHORIZATION_FAILED' });
  });

  it('a rebalance is not permanent, although kafkajs marks it non-retriable', () => {
    expect(classifyFailure(protocol('REBALANCE_IN_PROGRESS', false)).kind).toBe('unknown');
    expect(classifyFailure(protocol('NOT_COORDINATOR', true)).kind).toBe('transient');
  });

  it('a broker that does not answer is transient', () => {
    expect(classifyFailure(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toMatchObject({ kind: 'transient', system: 'kafka' });
  });

  it('a batch the client cannot decompress is permanent and names the codec, never a broker outage', () => {
    const err = new UndecodableBatchError('lz4', new Error('invalid frame header'));
    expect(err.message).toBe('a lz4 record batch could not be decompressed: invalid frame header');
    expect(classifyFailure(err)).toMatchObject({ kind: 'permanent', system: 'kafka', cause: 'KafkaJSUndecodableBatch' });
  });
});
