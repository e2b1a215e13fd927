/** `streamflow replay`'s flags, parsed and checked before the command's dependencies load. */
import { parseArgs } from 'node:util';
import { REPLAY_SOURCES, type ReplaySelection, type ReplaySource } from '../../lambdas/local/replay-selection.js';
import { UsageError, bucketFlag, kafkaSourceFlags, type KafkaSource } from '../cli/flags.js';
import { runFolderFlag } from './out-folder.js';

/** Where the consumer's output is rebuilt: the local twin's folder or the deployed data bucket. */
export type ReplayTarget = { readonly kind: 'folder'; readonly outDir: string } | { readonly kind: 'bucket'; readonly bucket: string };

export interface ReplayFlags {
  readonly target: ReplayTarget;
  /** The bucket of the event source mapping's S3 on-failure destination, when not the target's. */
  readonly onFailureBucket: string | undefined;
  /**
   * Where records without payload are read again: a Kafka over plaintext (`--brokers`, as `run
   * --brokers`), or the MSK cluster with IAM auth (`--cluster-arn`, from inside its VPC).
   */
  readonly rereadFrom: KafkaSource | undefined;
  readonly selection: ReplaySelection;
  readonly json: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

const sourcesOf = (from: string | undefined): readonly ReplaySource[] => {
  if (from === undefined || from === 'all') return REPLAY_SOURCES;
  if ((REPLAY_SOURCES as readonly string[]).includes(from)) return [from as ReplaySource];
  throw new UsageError(`--from must be onfailure, landing or all, got "${from}"`);
};

export const parseReplayFlags = (args: string[]): ReplayFlags => {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      from: { type: 'string' },
      topic: { type: 'string' },
      date: { type: 'string' },
      prefix: { type: 'string' },
      bucket: { type: 'string' },
      'onfailure-bucket': { type: 'string' },
      brokers: { type: 'string' },
      'cluster-arn': { type: 'string' },
      region: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const sources = sourcesOf(values.from);
  if (values.topic !== undefined && !TOPIC.test(values.topic)) throw new UsageError(`--topic must be a Kafka topic name (letters, digits, . _ -), got "${values.topic}"`);
  if (values.date !== undefined && (!DAY.test(values.date) || Number.isNaN(Date.parse(`${values.date}T00:00:00Z`)))) {
    throw new UsageError(`--date must be a day as YYYY-MM-DD (e.g. 2025-06-01), got "${values.date}"`);
  }
  if (values.prefix !== undefined && values.prefix.split('/').some((part) => part === '..' || part === '.')) {
    throw new UsageError(`--prefix must be an object key prefix such as landing/transactions/, got "${values.prefix}"`);
  }
  if (values.bucket !== undefined && values.out !== undefined) throw new UsageError('--out and --bucket name two places to replay into; give one');
  for (const flag of ['bucket', 'onfailure-bucket'] as const) bucketFlag(flag, values[flag]);
  return {
    target: values.bucket !== undefined ? { kind: 'bucket', bucket: values.bucket } : { kind: 'folder', outDir: runFolderFlag(values.out) },
    onFailureBucket: values['onfailure-bucket'],
    rereadFrom: kafkaSourceFlags(values),
    selection: {
      sources,
      ...(values.topic === undefined ? {} : { topic: values.topic }),
      ...(values.date === undefined ? {} : { date: values.date }),
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    },
    json: values.json ?? false,
  };
};
