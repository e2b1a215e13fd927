/** `streamflow replay`: re-deliver on-failure batches and derive gold and quarantine again from landing. */
import { S3Client } from '@aws-sdk/client-s3';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { plaintextKafka } from '../../lambdas/shared/adapters/kafka-publisher.js';
import { S3ObjectStore } from '../../lambdas/shared/adapters/s3-object-store.js';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';
import { requireRunOutDir } from '../../lambdas/local/out-dir.js';
import { kafkaReread } from '../../lambdas/local/kafka-reread.js';
import { REPLAY_SOURCES, replay, type ReplaySource, type ReplaySummary } from '../../lambdas/local/replay.js';
import { UsageError, brokersFlag } from '../cli/flags.js';
import { progressBar, type Progress } from '../cli/progress.js';
import { displayPath } from '../cli/run-summary.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** S3's bucket naming rules, https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (the common subset). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** One client for both buckets: region, credentials and endpoint come from the AWS environment. */
let client: S3Client | undefined;
const s3Client = (): S3Client => (client ??= new S3Client({}));
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

const sourcesOf = (from: string | undefined): readonly ReplaySource[] => {
  if (from === undefined || from === 'all') return REPLAY_SOURCES;
  if ((REPLAY_SOURCES as readonly string[]).includes(from)) return [from as ReplaySource];
  throw new UsageError(`--from must be onfailure, landing or all, got "${from}"`);
};

const n = (value: number): string => value.toLocaleString('en-US');

const printSummary = (where: string, summary: ReplaySummary): void => {
  const { onFailure, landing } = summary;
  const lines = [
    `StreamFlow replay  (${where})`,
    `  on-failure    ${n(onFailure.objects)} batches re-delivered through the consumer: ${n(onFailure.records)} records → ${n(onFailure.gold)} gold + ${n(onFailure.quarantined)} quarantined`,
    `  landing       ${n(landing.objects)} files derived again: ${n(landing.records)} records → ${n(landing.gold)} gold + ${n(landing.quarantined)} quarantined` +
      (landing.skipped > 0 ? ` (${n(landing.skipped)} just re-delivered, skipped)` : ''),
    ...(landing.cleared.length > 0 ? [`  cleared       ${n(landing.cleared.length)} stale gold/quarantine files (their batch has no such rows now)`] : []),
    ...onFailure.reread.map(
      (range) => `  RE-READ       ${range.topic} partition ${range.partition} offsets ${range.firstOffset}–${range.lastOffset} (no payload in ${range.key})`,
    ),
    ...[...onFailure.failed, ...landing.failed].map((failure) => `  FAILED        ${failure.key}: ${failure.error}`),
    `  time          ${(summary.ms / 1000).toFixed(2)} s`,
  ];
  const failed = onFailure.failed.length + landing.failed.length;
  if (onFailure.reread.length > 0) {
    lines.push(
      `${n(onFailure.reread.length)} discarded batches carry no records (MaximumPayloadSizeExceeded): re-read those offsets from Kafka with ` +
        '`streamflow replay --from onfailure --brokers HOST:PORT` while the topic still holds them.',
    );
  }
  if (onFailure.objects + landing.objects + failed + onFailure.reread.length === 0) lines.push('Nothing to replay: no on-failure record or landing file matches.');
  else if (failed > 0) lines.push(`${n(failed)} objects could not be replayed (nothing was written for them); fix or remove them, then replay again.`);
  else if (where.startsWith('s3://')) lines.push('Next: the loader loads the changed gold files on its next S3 event or schedule tick.');
  else lines.push(`Next: streamflow load --out ${where} && streamflow refresh --out ${where}` + (landing.cleared.length > 0 ? ' --full' : ''));
  console.log(lines.join('\n'));
};

export const replayCommand = async (args: string[]): Promise<number> => {
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
  for (const flag of ['bucket', 'onfailure-bucket'] as const) {
    const name = values[flag];
    if (name !== undefined && !BUCKET.test(name)) throw new UsageError(`--${flag} must be an S3 bucket name (3–63 lower-case letters, digits, . -), got "${name}"`);
  }
  let store: ObjectStore;
  let where: string;
  if (values.bucket !== undefined) {
    store = new S3ObjectStore(s3Client(), values.bucket);
    where = `s3://${values.bucket}`;
  } else {
    const outDir = resolve(values.out ?? '.streamflow');
    requireRunOutDir(outDir, values.out ?? '.streamflow');
    store = new FolderObjectStore(outDir);
    where = displayPath(outDir);
  }
  const onFailureBucket = values['onfailure-bucket'];
  // Records without payload are read again from these brokers (plaintext, as `run --brokers`).
  const brokers = values.brokers === undefined ? undefined : brokersFlag(values.brokers);

  const bars = new Map<ReplaySource, Progress>();
  const summary = await replay({
    store,
    ...(onFailureBucket === undefined ? {} : { onFailureStore: new S3ObjectStore(s3Client(), onFailureBucket) }),
    ...(brokers === undefined ? {} : { reread: kafkaReread({ kafka: plaintextKafka(brokers, 'streamflow-replay'), bootstrapServers: brokers.join(',') }) }),
    selection: {
      sources,
      ...(values.topic === undefined ? {} : { topic: values.topic }),
      ...(values.date === undefined ? {} : { date: values.date }),
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
    },
    onProgress: ({ source, done, total }) => {
      let bar = bars.get(source);
      if (!bar) bars.set(source, (bar = progressBar(source === 'landing' ? 'landing   ' : 'on-failure', total)));
      bar.update(done);
      if (done === total) bar.finish();
    },
  });
  if (values.json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(where, summary);
  return summary.onFailure.failed.length + summary.landing.failed.length + summary.onFailure.reread.length === 0 ? 0 : 1;
};
