/**
 * Every topic name Kafka allows (up to 249 characters of letters, digits, `.`, `_`, `-`) through
 * `streamflow run --input` (a child process, as a user runs it): its records land, are quarantined
 * with their full topic kept, and every object key and file name fits S3's 1,024-byte key and the
 * 255-byte file name limit, so no batch goes to on-failure and nothing is lost.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMERS } from '../support/arbitraries.js';
import { tempFolder } from '../support/files.js';
import { streamflowCli } from '../support/pipeline-run.js';
import { filesUnder, gunzipFile, linesOf } from '../support/run-files.js';

const UNTIL = '2025-06-15T12:00:00Z';

/** Legal topic names of exactly `length` characters, using every character class Kafka allows. */
const topicOf = (length: number): string => `Ab9._-${'x'.repeat(length - 12)}.-_zZ0`;
const LONG_TOPICS = [195, 210, 249].map(topicOf);

const userEvent = (n: number) => ({
  event_id: `EV-long-${n}`,
  user_id: CUSTOMERS[n % CUSTOMERS.length]!.user_id,
  session_id: `S-long-${n}`,
  event_type: 'page_view',
  event_ts: new Date(Date.parse(UNTIL) - 3_600_000 - n * 1000).toISOString(),
  page_url: '/',
  device_type: 'mobile',
  browser: 'chrome',
  operating_system: 'ios',
  referrer: 'direct',
});

let root: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  root = await tempFolder('long-topics');
});

afterAll(async () => {
  await root.remove();
});

describe('legal Kafka topic names of 195, 210 and 249 characters through streamflow run --input', () => {
  it('lands and quarantines their records with the topic kept, in keys and file names within every limit, losing nothing', async () => {
    // Prepare: 100 valid events and, per long topic, two records (one batch per topic-partition)
    const lines = [
      ...Array.from({ length: 100 }, (_, n) => ({ topic: 'user_events', key: `u${n}`, value: userEvent(n) })),
      ...LONG_TOPICS.flatMap((topic) => [1, 2].map((n) => ({ topic, key: null, value: { n } }))),
    ];
    const input = join(root.path, 'long-topics.ndjson');
    const out = join(root.path, 'out');
    await writeFile(input, lines.map((line) => JSON.stringify(line)).join('\n'));

    // Act
    const result = await streamflowCli('run', '--input', input, '--out', out, '--until', UNTIL, '--partitions', '1', '--json');

    // Assess: exit 0, nothing sent to on-failure, every record accounted for
    expect(result.stderr).not.toMatch(/streamflow:/);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as { ingest: { failedBatches: number }; ledger: { lost: number; verdict: string; topics: Record<string, { in: number }> } };
    expect(run.ingest.failedBatches).toBe(0);
    expect(run.ledger.lost).toBe(0);
    expect(Object.values(run.ledger.topics).reduce((sum, topic) => sum + topic.in, 0)).toBe(lines.length);
    expect(run.ledger.verdict).toMatch(/^Nothing lost/);

    const keys = [...(await filesUnder(out, 'landing')), ...(await filesUnder(out, 'quarantine')), ...(await filesUnder(out, 'gold'))];
    for (const key of keys) {
      expect(Buffer.byteLength(key), key).toBeLessThanOrEqual(1024);
      for (const segment of key.split('/')) expect(Buffer.byteLength(segment), segment).toBeLessThanOrEqual(255);
    }
    const quarantined = (await Promise.all((await filesUnder(out, 'quarantine')).map(async (path) => linesOf(await gunzipFile(out, path))))).flat();
    const byTopic = new Map<string, string[]>();
    for (const line of quarantined) {
      const record = JSON.parse(line) as { topic: string; reasons: { code: string }[] };
      byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record.reasons[0]!.code]);
    }
    for (const topic of LONG_TOPICS) expect(byTopic.get(topic), `${topic.length} characters`).toEqual(['unknown_topic', 'unknown_topic']);
  });
});
