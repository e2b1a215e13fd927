/**
 * The cloud's event → Bronze and event → Gold delay, modelled: each step a distribution taken from
 * the documented service intervals (or, where AWS and Snowflake document none, a stated
 * assumption), summed over many simulated events with a seeded generator so the figures repeat.
 * It is a model of the design, not a measurement of a deployment.
 */
import { round } from './measure.js';
import { seededRandom } from '../lambdas/shared/seeded-random.js';

/** One step of the path: a uniform delay in seconds, with where its bounds come from. */
export interface DelayStep {
  readonly step: string;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  /** Added on top for this share of events (a documented slow tail), uniformly up to tailMaxSeconds. */
  readonly tail?: { readonly share: number; readonly maxSeconds: number };
  readonly basis: string;
  readonly reaches?: 'bronze' | 'gold';
}

export interface FreshnessInputs {
  /** consumerBatchingWindowSeconds as deployed. */
  readonly batchingWindowSeconds: number;
  /** loaderBatchingWindowSeconds as deployed: how long the loader's queue gathers S3 events before one load. */
  readonly loadBatchingWindowSeconds: number;
  /** Triggered task minimum interval: Snowflake's default 30 s, 10 s at the least. */
  readonly triggerIntervalSeconds: number;
  /** Measured by `npm run bench` on the local twin: one load + refresh cycle, p95 (DuckDB). */
  readonly localRefreshCycleP95Seconds: number;
  /** The loader's loadMode as deployed: COPY on a running warehouse, or Snowpipe's own queue. @default 'copy' */
  readonly loadMode?: 'copy' | 'snowpipe';
}

/** Bronze's load step in each load mode. */
const LOAD_STEP: Record<'copy' | 'snowpipe', DelayStep> = {
  copy: {
    step: 'PUT + COPY into Bronze',
    minSeconds: 2,
    maxSeconds: 6,
    reaches: 'bronze',
    basis: 'PUT of small gzip files to the internal stage and one COPY … FILES = (…) per table on a running warehouse (loads every few seconds keep it running); assumption (Snowflake documents no figure)',
  },
  snowpipe: {
    step: 'PUT + Snowpipe into Bronze',
    minSeconds: 5,
    maxSeconds: 60,
    reaches: 'bronze',
    basis:
      'PUT of each file, insertFiles, then Snowpipe queues and loads it on its own compute; Snowflake says only "in most cases ... within a few minutes" (docs.snowflake.com/en/user-guide/data-load-snowpipe-rest-apis): 5–60 s is an assumption a real account must confirm',
  },
};

export interface CloudFreshness {
  readonly steps: readonly DelayStep[];
  readonly bronze: { readonly p50Seconds: number; readonly p95Seconds: number };
  readonly gold: { readonly p50Seconds: number; readonly p95Seconds: number };
}

export const freshnessSteps = (inputs: FreshnessInputs): DelayStep[] => [
  {
    step: 'batching window',
    minSeconds: 0,
    maxSeconds: inputs.batchingWindowSeconds,
    basis: `an event waits for its batch to close: up to MaximumBatchingWindowInSeconds = ${inputs.batchingWindowSeconds} s (docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html, batching behavior)`,
  },
  {
    step: 'invoke + consumer',
    minSeconds: 0.2,
    maxSeconds: 1.5,
    basis: 'poller hand-off and the consumer writing landing/ and gold/ (the local bench transforms a 5,000-record batch in well under a second); assumption',
  },
  {
    step: 'S3 → EventBridge → SQS',
    minSeconds: 0.5,
    maxSeconds: 3,
    tail: { share: 0.01, maxSeconds: 60 },
    basis: 'S3 delivers event notifications "typically in seconds, sometimes a minute or longer" (docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html); 1 % tail to 60 s assumed',
  },
  {
    step: 'loader batching window',
    minSeconds: 0,
    maxSeconds: inputs.loadBatchingWindowSeconds,
    basis: `the loader's SQS event source mapping gathers S3 events for up to MaximumBatchingWindowInSeconds = ${inputs.loadBatchingWindowSeconds} s before one load (docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html)`,
  },
  LOAD_STEP[inputs.loadMode ?? 'copy'],
  {
    step: 'trigger interval',
    minSeconds: 0,
    maxSeconds: inputs.triggerIntervalSeconds,
    basis: `a triggered task runs when its stream has data, at most every ${inputs.triggerIntervalSeconds} s (docs.snowflake.com/en/user-guide/tasks-triggered; default 30 s, USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS down to 10 s)`,
  },
  {
    step: 'refresh_silver → refresh_gold',
    minSeconds: 3,
    maxSeconds: 8 + inputs.localRefreshCycleP95Seconds,
    reaches: 'gold',
    basis: `task start plus the MERGE graph; the same SQL takes ${inputs.localRefreshCycleP95Seconds} s (p95) on the local twin, Snowflake start-up assumed 3–8 s`,
  },
];

const quantile = (sorted: Float64Array, q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export const cloudFreshness = (inputs: FreshnessInputs, samples = 200_000, seed = 42): CloudFreshness => {
  const steps = freshnessSteps(inputs);
  const random = seededRandom(seed);
  const bronze = new Float64Array(samples);
  const gold = new Float64Array(samples);
  for (let i = 0; i < samples; i += 1) {
    let total = 0;
    for (const step of steps) {
      total += step.minSeconds + random() * (step.maxSeconds - step.minSeconds);
      if (step.tail && random() < step.tail.share) total += random() * step.tail.maxSeconds;
      if (step.reaches === 'bronze') bronze[i] = total;
      if (step.reaches === 'gold') gold[i] = total;
    }
  }
  bronze.sort();
  gold.sort();
  return {
    steps,
    bronze: { p50Seconds: round(quantile(bronze, 0.5), 1), p95Seconds: round(quantile(bronze, 0.95), 1) },
    gold: { p50Seconds: round(quantile(gold, 0.5), 1), p95Seconds: round(quantile(gold, 0.95), 1) },
  };
};
