import '../support/quiet-powertools.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../bin/cli/flags.js';
import { DEFAULT_ESM_SETTINGS } from '../../lambdas/local/esm-simulator.js';
import { prepareOutDir } from '../../lambdas/local/out-dir.js';
import { tempFolder } from '../support/files.js';
import { ingestInto, newBucket, streamOf, type Bucket } from '../support/local-twin.js';
import { countRunFiles } from '../support/run-files.js';
import { COMMANDS } from '../../bin/cli/commands.js';
import { parseReplayFlags } from '../../bin/flags/replay.js';

let root: Awaited<ReturnType<typeof tempFolder>>;
let bucket: Bucket;
let printed: string[];

beforeAll(async () => {
  root = await tempFolder('replay-command');
  // A run's folder, as `streamflow run` leaves it (replay refuses any other).
  await prepareOutDir(join(root.path, 'out'));
  bucket = await newBucket(root.path, 'out');
  await ingestInto(bucket, streamOf({ events: 600, seed: 3, dirtyRate: 0.1, days: 5 }), { ...DEFAULT_ESM_SETTINGS, batchSize: 200 });
});

afterAll(async () => {
  await root.remove();
});

beforeEach(() => {
  printed = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('streamflow replay', () => {
  it('rebuilds lost gold files, prints what it did and the next step, and exits 0', async () => {
    // Prepare
    const before = await countRunFiles(bucket.dir);
    await rm(join(bucket.dir, 'gold'), { recursive: true });

    // Act
    const code = await COMMANDS.replay!.run(['--out', bucket.dir]);

    // Assess
    expect(code).toBe(0);
    expect(await countRunFiles(bucket.dir)).toEqual(before);
    const output = printed.join('\n');
    expect(output).toMatch(/landing\s+\d+ files derived again: 600 records → \d+ gold \+ \d+ quarantined/);
    expect(output).toMatch(/Next: streamflow load --out .* && streamflow refresh --out /);
  });

  it('prints the summary as JSON with --json', async () => {
    // Act
    const code = await COMMANDS.replay!.run(['--out', bucket.dir, '--from', 'landing', '--topic', 'user_events', '--json']);

    // Assess
    expect(code).toBe(0);
    const summary = JSON.parse(printed.join('\n')) as { landing: { objects: number; failed: unknown[] }; onFailure: { objects: number } };
    expect(summary.landing.objects).toBeGreaterThan(0);
    expect(summary.landing.failed).toEqual([]);
    expect(summary.onFailure.objects).toBe(0);
  });

  it('exits 1 and names the file when a landing file cannot be replayed', async () => {
    // Prepare
    const [landing] = await bucket.store.list('landing/');
    await bucket.store.put(landing!.key, Buffer.from('not gzip'), 'application/x-ndjson+gzip');

    // Act
    const code = await COMMANDS.replay!.run(['--out', bucket.dir, '--prefix', landing!.key]);

    // Assess
    expect(code).toBe(1);
    expect(printed.join('\n')).toContain(`FAILED        ${landing!.key}`);
  });

  it.each([
    [['--date', '2025-13-01'], /--date must be a day as YYYY-MM-DD/],
    [['--date', 'yesterday'], /--date must be a day/],
    [['--from', 'everywhere'], /--from must be onfailure, landing or all/],
    [['--topic', '../x'], /--topic must be a Kafka topic name/],
    [['--prefix', 'landing/../x'], /--prefix must be an object key prefix/],
    [['--brokers', '127.0.0.1:9092', '--cluster-arn', 'arn:aws:kafka:eu-west-1:123456789012:cluster/x/1'], /--brokers .* or --cluster-arn .*, not both/],
    [['--cluster-arn', 'my-cluster'], /--cluster-arn must be an MSK cluster ARN/],
    [['--region', 'eu-west-1'], /--region goes with --cluster-arn/],
  ])('refuses %j with a message that names the problem', async (args, message) => {
    await expect(COMMANDS.replay!.run(['--out', bucket.dir, ...args])).rejects.toThrow(UsageError);
    await expect(COMMANDS.replay!.run(['--out', bucket.dir, ...args])).rejects.toThrow(message);
  });

  it('reads records without payload again from the MSK cluster the ARN names, in the ARN\'s region unless told otherwise', () => {
    // Prepare / Act
    const arn = 'arn:aws:kafka:eu-west-1:123456789012:cluster/streamflow/1';
    const fromArn = parseReplayFlags(['--out', bucket.dir, '--cluster-arn', arn]);
    const fromFlag = parseReplayFlags(['--out', bucket.dir, '--cluster-arn', arn, '--region', 'us-east-2']);

    // Assess
    expect(fromArn.rereadFrom).toEqual({ kind: 'msk', clusterArn: arn, region: process.env.AWS_REGION ?? 'eu-west-1' });
    expect(fromFlag.rereadFrom).toEqual({ kind: 'msk', clusterArn: arn, region: 'us-east-2' });
    expect(parseReplayFlags(['--out', bucket.dir]).rereadFrom).toBeUndefined();
  });

  it('refuses a folder that does not exist, saying to run first', async () => {
    await expect(COMMANDS.replay!.run(['--out', join(root.path, 'missing')])).rejects.toThrow(/no such folder; run `streamflow run --out .*` first/);
  });
});
