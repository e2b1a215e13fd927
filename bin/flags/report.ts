/** `streamflow report`'s flags, parsed and checked before the command's dependencies load. */
import { parseArgs } from 'node:util';
import { DEFAULT_STAGE, deployedConsumerGroup } from '../../lambdas/shared/contracts/consumer-groups.js';
import { UsageError, bucketFlag, kafkaSourceFlags, type KafkaSource } from '../cli/flags.js';
import { runFolderFlag } from './out-folder.js';

/**
 * What is reconciled: the local twin's folder, with "in" as its run recorded it or (`--brokers`)
 * the broker's now; or the deployed pipeline's buckets (S3), with "in" read from the cluster now.
 */
export type ReportFlags =
  | {
      readonly kind: 'folder';
      readonly outDir: string;
      /** `--brokers`: take the produced offsets from the broker instead of the run's record of them. */
      readonly brokers: string[] | undefined;
      /** `--group`: whose committed offsets split lost from not-yet-consumed offsets. @default the twin's `streamflow-consumer` */
      readonly group: string | undefined;
      readonly json: boolean;
    }
  | {
      readonly kind: 'bucket';
      readonly bucket: string;
      /** The event source mapping's S3 on-failure destination, when not the data bucket. */
      readonly onFailureBucket: string | undefined;
      /** Where the produced offsets and the committed ones are read: a Kafka over plaintext, or MSK with IAM. */
      readonly source: KafkaSource;
      /** The mappings' consumer groups, `{topic}` standing for each topic's name. @default `streamflow-dev-consumer-{topic}` */
      readonly group: string;
      readonly json: boolean;
    };

export const parseReportFlags = (args: string[]): ReportFlags => {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      bucket: { type: 'string' },
      'onfailure-bucket': { type: 'string' },
      brokers: { type: 'string' },
      'cluster-arn': { type: 'string' },
      region: { type: 'string' },
      group: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const source = kafkaSourceFlags(values);
  const json = values.json ?? false;
  if (values.group !== undefined && source === undefined) throw new UsageError('--group needs --brokers (or, with --bucket, --cluster-arn)');
  if (values.bucket !== undefined && values.out !== undefined) throw new UsageError('--out (the local twin) and --bucket (the deployed pipeline) name two places to report on; give one');
  if (values.bucket === undefined) {
    if (values['onfailure-bucket'] !== undefined) throw new UsageError('--onfailure-bucket goes with --bucket');
    if (source?.kind === 'msk') throw new UsageError('--cluster-arn reports on the deployed pipeline: give its data bucket with --bucket');
    return { kind: 'folder', outDir: runFolderFlag(values.out), brokers: source?.brokers, group: values.group, json };
  }
  if (source === undefined) {
    throw new UsageError('report --bucket reads the produced offsets from the cluster: give --cluster-arn ARN (MSK with IAM, from inside its VPC) or --brokers HOST:PORT');
  }
  return {
    kind: 'bucket',
    bucket: bucketFlag('bucket', values.bucket)!,
    onFailureBucket: bucketFlag('onfailure-bucket', values['onfailure-bucket']),
    source,
    group: values.group ?? deployedConsumerGroup(DEFAULT_STAGE),
    json,
  };
};
