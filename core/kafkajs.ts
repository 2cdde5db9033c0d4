/**
 * The one door to kafkajs (lint holds every other module to it): the
 * produce-path fixes replace modules kafkajs binds when it loads, so they must
 * be in place first, and ES modules evaluate their imports in this order.
 */
import './kafkajs-produce-path.ts';
import kafkajsModule from 'kafkajs';

export { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
export type { Admin, Consumer, EachBatchPayload, KafkaMessage, logCreator, Message, PartitionMetadata, Producer } from 'kafkajs';

/** The module object: its codec table and error classes are not named exports that Node's CommonJS interop can see. */
export const kafkajs = kafkajsModule;
export const { KafkaJSConnectionError, KafkaJSError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajsModule;
