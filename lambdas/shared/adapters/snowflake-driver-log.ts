/**
 * Routes snowflake-sdk's own log lines to the Powertools logger, so they land in CloudWatch as
 * structured JSON beside ours and the driver never opens a `snowflake.log` file (Lambda's working
 * directory is read-only). The driver's level follows the function's configured log level.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel, SnowflakeLogger } from 'snowflake-sdk';

/** Driver level for a Powertools level. INFO maps to WARN: the driver's INFO is one line per request. */
export const driverLogLevelFor = (powertoolsLevel: string): LogLevel => {
  switch (powertoolsLevel.toUpperCase()) {
    case 'TRACE':
      return 'TRACE';
    case 'DEBUG':
      return 'DEBUG';
    case 'INFO':
    case 'WARN':
      return 'WARN';
    case 'ERROR':
    case 'CRITICAL':
      return 'ERROR';
    default:
      return 'OFF';
  }
};

/**
 * PEM blocks and JWTs, in case a driver line ever carries one. The driver masks secrets itself;
 * this is the second lock on the same door.
 */
const SECRET = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)|\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;

export const redactSecrets = (text: string): string => text.replace(SECRET, '[redacted]');

/** A driver logger writing each line as `{ message: 'snowflake-sdk', driver: <line> }`. */
export const powertoolsDriverLogger = (logger: Logger): SnowflakeLogger => {
  const line = (text: string) => ({ driver: redactSecrets(text) });
  return {
    error: (text) => logger.error('snowflake-sdk', line(text)),
    warn: (text) => logger.warn('snowflake-sdk', line(text)),
    info: (text) => logger.info('snowflake-sdk', line(text)),
    debug: (text) => logger.debug('snowflake-sdk', line(text)),
    trace: (text) => logger.debug('snowflake-sdk', line(text)),
  };
};
