import { logLevel, type logCreator } from './kafkajs.ts';
import type { Logger } from './logger.ts';

/** Routes kafkajs' own log lines into the process's structured pino log. */
export function createKafkaLogger(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () => ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, ...extra } = log;
    const fields = { namespace, ...extra };
    if (level === logLevel.ERROR) kafkaLogger.error(fields, message);
    else if (level === logLevel.WARN) kafkaLogger.warn(fields, message);
    else if (level === logLevel.INFO) kafkaLogger.info(fields, message);
    else kafkaLogger.debug(fields, message);
  };
}
