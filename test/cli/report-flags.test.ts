/** `streamflow report`'s flags: the local folder or the deployed buckets, and where "in" is read. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../bin/cli/flags.js';
import { parseReportFlags } from '../../bin/flags/report.js';

const ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/streamflow-dev/6f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8-s1';

describe('parseReportFlags', () => {
  it('reads the deployed buckets with the cluster, and the deployed mappings\' groups by default (one a topic)', () => {
    // Act
    const msk = parseReportFlags(['--bucket', 'data-bucket', '--onfailure-bucket', 'onfailure-bucket', '--cluster-arn', ARN, '--region', 'eu-west-1']);
    const brokers = parseReportFlags(['--bucket', 'data-bucket', '--brokers', '127.0.0.1:9092', '--group', 'streamflow-prod-consumer-{topic}', '--json']);

    // Assess
    expect(msk).toEqual({
      kind: 'bucket',
      bucket: 'data-bucket',
      onFailureBucket: 'onfailure-bucket',
      source: { kind: 'msk', clusterArn: ARN, region: 'eu-west-1' },
      group: 'streamflow-dev-consumer-{topic}',
      json: false,
    });
    expect(brokers).toMatchObject({ kind: 'bucket', onFailureBucket: undefined, source: { kind: 'brokers', brokers: ['127.0.0.1:9092'] }, group: 'streamflow-prod-consumer-{topic}', json: true });
  });

  it.each([
    [['--bucket', 'data-bucket'], /report --bucket reads the produced offsets from the cluster: give --cluster-arn ARN .* or --brokers HOST:PORT/],
    [['--bucket', 'data-bucket', '--out', '.streamflow', '--brokers', '127.0.0.1:9092'], /--out \(the local twin\) and --bucket \(the deployed pipeline\)/],
    [['--onfailure-bucket', 'onfailure-bucket', '--brokers', '127.0.0.1:9092'], /--onfailure-bucket goes with --bucket/],
    [['--cluster-arn', ARN], /--cluster-arn reports on the deployed pipeline: give its data bucket with --bucket/],
    [['--bucket', 'Not_A_Bucket', '--brokers', '127.0.0.1:9092'], /--bucket must be an S3 bucket name/],
    [['--bucket', 'data-bucket', '--brokers', '127.0.0.1:9092', '--cluster-arn', ARN], /not both/],
    [['--group', 'g'], /--group needs --brokers/],
  ])('refuses %j as a usage error', (args, message) => {
    expect(() => parseReportFlags(args)).toThrow(UsageError);
    expect(() => parseReportFlags(args)).toThrow(message);
  });
});
