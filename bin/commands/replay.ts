/** `streamflow replay`: re-deliver on-failure batches and derive gold and quarantine again from landing. */
import { S3Client } from '@aws-sdk/client-s3';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { S3ObjectStore } from '../../lambdas/shared/adapters/s3-object-store.js';
import type { ObjectStore } from '../../lambdas/shared/ports/object-store.js';
import { kafkaReread } from '../../lambdas/local/kafka-reread.js';
import { replay, type ReplaySummary } from '../../lambdas/local/replay.js';
import type { ReplaySource } from '../../lambdas/local/replay-selection.js';
import { progressBar, type Progress } from '../cli/progress.js';
import { displayPath } from '../cli/run-summary.js';
import type { KafkaSource } from '../cli/flags.js';
import { kafkaConnectionFor } from '../cli/kafka-connection.js';
import type { ReplayFlags } from '../flags/replay.js';

/** One client for both buckets: region, credentials and endpoint come from the AWS environment. */
let client: S3Client | undefined;
const s3Client = (): S3Client => (client ??= new S3Client({}));

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
        '`streamflow replay --from onfailure --cluster-arn ARN` (MSK, from inside its VPC) or `--brokers HOST:PORT` while the topic still holds them.',
    );
  }
  if (onFailure.objects + landing.objects + failed + onFailure.reread.length === 0) lines.push('Nothing to replay: no on-failure record or landing file matches.');
  else if (failed > 0) lines.push(`${n(failed)} objects could not be replayed (nothing was written for them); fix or remove them, then replay again.`);
  else if (where.startsWith('s3://')) lines.push('Next: the loader loads the changed gold files on its next S3 event or schedule tick.');
  else lines.push(`Next: streamflow load --out ${where} && streamflow refresh --out ${where}` + (landing.cleared.length > 0 ? ' --full' : ''));
  console.log(lines.join('\n'));
};

/** Reads the offsets of records without payload again, from the broker the flags name. */
const rereaderFor = async (source: KafkaSource): Promise<ReturnType<typeof kafkaReread>> => {
  const { kafka, bootstrapServers, clusterArn } = await kafkaConnectionFor(source, 'streamflow-replay');
  return kafkaReread({ kafka, bootstrapServers, ...(clusterArn === undefined ? {} : { eventSourceArn: clusterArn }) });
};

export const replayCommand = async ({ target, onFailureBucket, rereadFrom, selection, json }: ReplayFlags): Promise<number> => {
  const store: ObjectStore = target.kind === 'bucket' ? new S3ObjectStore(s3Client(), target.bucket) : new FolderObjectStore(target.outDir);
  const where = target.kind === 'bucket' ? `s3://${target.bucket}` : displayPath(target.outDir);

  const bars = new Map<ReplaySource, Progress>();
  const summary = await replay({
    store,
    ...(onFailureBucket === undefined ? {} : { onFailureStore: new S3ObjectStore(s3Client(), onFailureBucket) }),
    ...(rereadFrom === undefined ? {} : { reread: await rereaderFor(rereadFrom) }),
    selection,
    onProgress: ({ source, done, total }) => {
      let bar = bars.get(source);
      if (!bar) bars.set(source, (bar = progressBar(source === 'landing' ? 'landing   ' : 'on-failure', total)));
      bar.update(done);
      if (done === total) bar.finish();
    },
  });
  if (json) console.log(JSON.stringify(summary, null, 2));
  else printSummary(where, summary);
  return summary.onFailure.failed.length + summary.landing.failed.length + summary.onFailure.reread.length === 0 ? 0 : 1;
};
