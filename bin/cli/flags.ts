/** Flag parsing and validation shared by the commands, with errors that say how to fix them. */
import { existsSync } from 'node:fs';
import { UsageError } from './usage-error.js';

export { UsageError };

export const integerFlag = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got "${raw}"`);
  }
  return value;
};

export const rateFlag = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(`--${name} must be a share from 0 to 1 (e.g. 0.05 for 5 %), got "${raw}"`);
  }
  return value;
};

export const dateFlag = (name: string, raw: string | undefined, fallback: Date): Date => {
  if (raw === undefined) return fallback;
  const value = new Date(raw);
  if (Number.isNaN(value.getTime())) throw new UsageError(`--${name} must be an ISO date or timestamp (e.g. 2026-11-21T00:00:00Z), got "${raw}"`);
  return value;
};

export const existingFileFlag = (name: string, raw: string | undefined): string | undefined => {
  if (raw !== undefined && !existsSync(raw)) throw new UsageError(`--${name} ${raw}: no such file`);
  return raw;
};

/** An MSK cluster to reach with IAM auth: `--cluster-arn ARN` and its region (`--region`, else AWS_REGION, else the ARN's). */
export interface MskCluster {
  readonly clusterArn: string;
  readonly region: string;
}

export const mskClusterFlag = (clusterArn: string, region: string | undefined): MskCluster => {
  if (!clusterArn.startsWith('arn:aws:kafka:')) throw new UsageError('--cluster-arn must be an MSK cluster ARN (arn:aws:kafka:…)');
  const resolved = region ?? process.env.AWS_REGION ?? clusterArn.split(':')[3];
  if (!resolved) throw new UsageError('--region is required when AWS_REGION is not set');
  return { clusterArn, region: resolved };
};

/** `--brokers HOST:PORT[,HOST:PORT…]` as a list, or a usage error that says what is wanted. */
export const brokersFlag = (raw: string): string[] => {
  const brokers = raw.split(',').map((broker) => broker.trim());
  const bad = brokers.find((broker) => !/^[A-Za-z0-9.[\]:-]+:\d{1,5}$/.test(broker));
  if (bad !== undefined) throw new UsageError(`--brokers wants HOST:PORT[,HOST:PORT…], not "${bad}"`);
  return brokers;
};

/** S3's bucket naming rules, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (the common subset). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `--<flag> NAME` as an S3 bucket name, or a usage error. */
export const bucketFlag = (flag: string, name: string | undefined): string | undefined => {
  if (name !== undefined && !BUCKET.test(name)) throw new UsageError(`--${flag} must be an S3 bucket name (3–63 lower-case letters, digits, . -), got "${name}"`);
  return name;
};

/**
 * A Kafka to read from: one over plaintext (`--brokers`, as `run --brokers`), or the MSK cluster
 * with IAM auth (`--cluster-arn`, from inside its VPC).
 */
export type KafkaSource = { readonly kind: 'brokers'; readonly brokers: string[] } | ({ readonly kind: 'msk' } & MskCluster);

/** `--brokers` or `--cluster-arn [--region]`, not both; `undefined` when neither is given. */
export const kafkaSourceFlags = (values: { brokers?: string; 'cluster-arn'?: string; region?: string }): KafkaSource | undefined => {
  const clusterArn = values['cluster-arn'];
  if (values.brokers !== undefined && clusterArn !== undefined) throw new UsageError('give --brokers (a Kafka over plaintext) or --cluster-arn (MSK with IAM), not both');
  if (values.region !== undefined && clusterArn === undefined) throw new UsageError('--region goes with --cluster-arn');
  if (values.brokers !== undefined) return { kind: 'brokers', brokers: brokersFlag(values.brokers) };
  return clusterArn === undefined ? undefined : { kind: 'msk', ...mskClusterFlag(clusterArn, values.region) };
};
