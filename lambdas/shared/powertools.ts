/** The one logger and metrics instance of every function (created once per container). */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'streamflow' });
export const metrics = new Metrics({ namespace: 'StreamFlow', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'streamflow', logger });
