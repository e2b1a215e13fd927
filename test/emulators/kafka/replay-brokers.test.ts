/**
 * `streamflow replay --brokers` against Apache Kafka, as a user runs it (child processes): one
 * record past the 6 MB invocation cap goes, as in Lambda, to the on-failure destination without
 * payload (MaximumPayloadSizeExceeded); the report says it is pending, names its offsets, and
 * replay re-reads exactly those offsets from the broker and re-delivers them through the
 * consumer. After load and refresh the ledger says nothing was lost; a second replay changes no
 * file and no verdict.
 */
import { cp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempFolder } from '../../support/files.js';
import { streamflowCli } from '../../support/pipeline-run.js';
import { filesUnder } from '../../support/run-files.js';
import { describeOnEmulator } from '../support/emulators.js';
import { startKafka, type RunningKafka } from '../support/kafka.js';

const EVENTS = '200';
/** Raw bytes of the oversized value: 9.3 MB once base64 in the event, past Lambda's 6 MB cap. */
const HUGE_BYTES = 7_000_000;

let kafka: RunningKafka;
let root: Awaited<ReturnType<typeof tempFolder>>;
let dir: string;
let hugeOffset: string;

/** Every file the consumer and replay write (landing, gold, quarantine), with its bytes. */
const consumerFiles = async (outDir: string): Promise<Map<string, string>> => {
  const files = new Map<string, string>();
  for (const folder of ['landing', 'gold', 'quarantine']) {
    for (const path of await filesUnder(outDir, folder)) files.set(path, (await readFile(join(outDir, path))).toString('base64'));
  }
  return files;
};

beforeAll(async () => {
  root = await tempFolder('replay-brokers');
  dir = join(root.path, 'out');
  kafka = await startKafka();
  // The topic must accept a record over Kafka's 1 MB default (max.message.bytes); produce keeps existing topics.
  const admin = kafka.client().admin();
  await admin.connect();
  await admin.createTopics({
    topics: ['user_events', 'transactions'].map((topic) => ({ topic, numPartitions: 2, configEntries: [{ name: 'max.message.bytes', value: String(16 * 1024 * 1024) }] })),
  });
  await admin.disconnect();
  const produced = await streamflowCli('produce', '--brokers', kafka.bootstrap, '--events', EVENTS, '--seed', '11', '--days', '2');
  expect(produced.code, produced.stderr).toBe(0);
  const producer = kafka.client('oversized-producer').producer();
  await producer.connect();
  const [sent] = await producer.send({ topic: 'user_events', messages: [{ key: 'huge', value: 'z'.repeat(HUGE_BYTES), partition: 1 }] });
  hugeOffset = sent!.baseOffset!;
  await producer.disconnect();
}, 240_000);

afterAll(async () => {
  await kafka?.stop();
  await root?.remove();
});

describeOnEmulator('kafka', 'streamflow replay --brokers against Apache Kafka', () => {
  it('re-reads an oversized record discarded without payload, re-delivers it, and the ledger then says nothing lost; twice changes nothing', async () => {
    // Prepare: the run's event source mapping discards the oversized record.
    const run = await streamflowCli('run', '--brokers', kafka.bootstrap, '--consume-only', '--out', dir);
    // A run that leaves records pending replay exits 1, and says so.
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/PENDING 1 records/);
    const onFailure = await filesUnder(dir, 'aws/lambda');
    expect(onFailure).toHaveLength(1);
    const record = JSON.parse(await readFile(join(dir, onFailure[0]!), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({
      requestContext: { condition: 'MaximumPayloadSizeExceeded', approximateInvokeCount: 0 },
      responseContext: null,
      KafkaBatchInfo: { batchSize: 1, recordsInfo: { 'user_events-1': { firstRecordOffset: hugeOffset, lastRecordOffset: hugeOffset } } },
    });
    expect(record).not.toHaveProperty('payload');
    const pending = await streamflowCli('report', '--out', dir);
    expect(pending.code).toBe(1);
    expect(pending.stdout).toMatch(/PENDING 1 records/);

    // Act: without brokers the offsets are listed; with them, re-read and re-delivered.
    const listed = await streamflowCli('replay', '--out', dir, '--from', 'onfailure');
    const replayed = await streamflowCli('replay', '--out', dir, '--from', 'onfailure', '--brokers', kafka.bootstrap);
    const load = await streamflowCli('load', '--out', dir);
    const refresh = await streamflowCli('refresh', '--out', dir);
    const report = await streamflowCli('report', '--out', dir);

    // Assess
    expect(listed.code).toBe(1);
    expect(listed.stdout).toContain(`RE-READ       user_events partition 1 offsets ${hugeOffset}–${hugeOffset}`);
    expect(listed.stdout).toContain('--brokers HOST:PORT');
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/on-failure\s+1 batches re-delivered through the consumer: 1 records → 0 gold \+ 1 quarantined/);
    expect(replayed.stdout).not.toContain('RE-READ');
    expect([load.code, refresh.code], load.stderr + refresh.stderr).toEqual([0, 0]);
    expect(report.code, report.stdout).toBe(0);
    expect(report.stdout).toMatch(new RegExp(`^Nothing lost: ${Number(EVENTS) + 1} records produced`, 'm'));

    // Act: replay again
    const before = await consumerFiles(dir);
    const again = await streamflowCli('replay', '--out', dir, '--from', 'onfailure', '--brokers', kafka.bootstrap);
    const reportAgain = await streamflowCli('report', '--out', dir);

    // Assess
    expect(again.code, again.stderr).toBe(0);
    expect(await consumerFiles(dir)).toEqual(before);
    expect(reportAgain.code).toBe(0);
    expect(reportAgain.stdout).toMatch(/^Nothing lost:/m);
  });

  it('report --brokers counts "in" from the broker now, beside the group\'s committed offsets: records produced after the run are not yet consumed, not lost', async () => {
    // Prepare: the folder the test above replayed; three more records reach, after the run, a
    // transactions partition the group has committed on (one the run's few transactions landed from:
    // which ones the producer's keys hash to is the seed's business, so the test asks the folder).
    const before = await streamflowCli('report', '--out', dir, '--brokers', kafka.bootstrap, '--json');
    const consumedFrom = (await filesUnder(dir, 'landing')).map((path) => /transactions\+(\d+)\+/.exec(path)?.[1]).find((found) => found !== undefined);
    const partition = Number(consumedFrom);
    expect(Number.isInteger(partition), 'a transactions partition the run consumed').toBe(true);
    const producer = kafka.client('late-producer').producer();
    await producer.connect();
    await producer.send({ topic: 'transactions', messages: ['a', 'b', 'c'].map((key) => ({ key, value: '{}', partition })) });
    await producer.disconnect();

    // Act
    const recorded = await streamflowCli('report', '--out', dir);
    const live = await streamflowCli('report', '--out', dir, '--brokers', kafka.bootstrap);
    const otherGroup = await streamflowCli('report', '--out', dir, '--brokers', kafka.bootstrap, '--group', 'nobody', '--json');
    const refused = await streamflowCli('report', '--out', dir, '--group', 'nobody');

    // Assess
    expect(before.code, before.stdout).toBe(0);
    expect((JSON.parse(before.stdout) as { source: string }).source).toBe(`kafka ${kafka.bootstrap}`);
    // The run's recorded offsets know nothing of the late records; the broker does, and they lie
    // past the group's committed offset: not yet consumed (exit 1, as pending), nothing lost.
    expect(recorded.code).toBe(0);
    expect(live.code).toBe(1);
    expect(live.stdout).toMatch(new RegExp(`BEHIND\\s+transactions partition ${partition} offsets (\\d+)–\\d+ not yet consumed by group streamflow-consumer \\(produced \\d+, committed \\1\\)`));
    expect(live.stdout).toMatch(new RegExp(`^Not yet consumed: 3 records \\(group streamflow-consumer is behind on transactions partition ${partition} offsets \\d+–\\d+\\); nothing lost so far`, 'm'));
    expect(live.stdout).not.toMatch(/LOST/);
    // A group that never committed has consumed nothing: what no file holds it has not reached.
    const other = JSON.parse(otherGroup.stdout) as { lost: number; unconsumed: number; group: string; partitions: { topic: string; partition: number; committed?: number; gaps: unknown[]; unconsumed: unknown[] }[] };
    expect(other).toMatchObject({ lost: 0, unconsumed: 3, group: 'nobody' });
    expect(other.partitions.find((entry) => entry.topic === 'transactions' && entry.partition === partition)).toMatchObject({ gaps: [], unconsumed: [expect.anything()] });
    expect(other.partitions.every((entry) => entry.committed === undefined)).toBe(true);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--group needs --brokers/);
  });

  it('a group that has consumed only part of a topic: what it has not reached is not yet consumed; a file deleted below its committed offset is lost, by offset', async () => {
    // Prepare: a copy of the folder above; 40 more records on user_events partition 0 the group
    // has not consumed, and one landing batch of user_events partition 1 (consumed) deleted with its outputs.
    const copy = join(root.path, 'partial');
    await cp(dir, copy, { recursive: true });
    const producer = kafka.client('unconsumed-producer').producer();
    await producer.connect();
    await producer.send({ topic: 'user_events', messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: '{}', partition: 0 })) });
    await producer.disconnect();
    const landing = (await filesUnder(copy, 'landing')).find((path) => path.includes('user_events+1+'))!;
    const [, first, last] = /user_events\+1\+(\d+)-(\d+)\./.exec(landing)!;
    const batch = `user_events+1+${first}-${last}`;
    for (const folder of ['landing', 'gold', 'quarantine']) {
      for (const path of await filesUnder(copy, folder)) if (path.includes(batch)) await rm(join(copy, path));
    }

    // Act
    const report = await streamflowCli('report', '--out', copy, '--brokers', kafka.bootstrap, '--json');
    const text = await streamflowCli('report', '--out', copy, '--brokers', kafka.bootstrap);

    // Assess: the deleted batch is below the committed offset of its partition: lost, exactly those offsets
    const parsed = JSON.parse(report.stdout) as { lost: number; unconsumed: number; partitions: { topic: string; partition: number; gaps: { first: number; last: number }[]; unconsumed: { first: number; last: number }[]; committed?: number }[] };
    expect(report.code).toBe(1);
    expect(parsed.lost).toBe(Number(last) - Number(first) + 1);
    expect(parsed.unconsumed).toBe(43);
    const partition1 = parsed.partitions.find((entry) => entry.topic === 'user_events' && entry.partition === 1)!;
    expect(partition1.gaps).toEqual([{ first: Number(first), last: Number(last) }]);
    expect(partition1.committed).toBeGreaterThan(Number(last));
    const partition0 = parsed.partitions.find((entry) => entry.topic === 'user_events' && entry.partition === 0)!;
    expect(partition0).toMatchObject({ gaps: [], unconsumed: [{ first: partition0.committed, last: partition0.committed! + 39 }] });
    expect(text.stdout).toMatch(new RegExp(`^LOST ${Number(last) - Number(first) + 1} records of .*not yet consumed: 43 records \\(group streamflow-consumer is behind on transactions partition \\d+ offsets \\d+–\\d+, user_events partition 0 offsets \\d+–\\d+\\)`, 'm'));
    expect(text.stdout).toContain(`LOST     user_events partition 1 offsets ${first}–${last} (produced`);
  });
});
