import '../support/quiet-powertools.js';
import type { MSKEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeConsumerHandler } from '../../lambdas/consumer/make-handler.js';
import { REASON_CODES } from '../../lambdas/consumer/reasons.js';
import { FolderObjectStore } from '../../lambdas/shared/adapters/folder-object-store.js';
import { logger, metrics } from '../../lambdas/shared/powertools.js';
import { cachedReferenceCatalog } from '../../lambdas/shared/reference-catalog.js';
import { awsPayload } from '../support/aws-payloads.js';
import { gunzipText, ndjsonLines, snapshotStore, tempFolder } from '../support/files.js';
import { lambdaContext } from '../support/lambda-context.js';

interface QuarantineLine {
  topic: string;
  offset: number;
  key: string | null;
  value: string | null;
  reasons: { code: string; detail: string }[];
}

let folder: { path: string; remove: () => Promise<void> };
let store: FolderObjectStore;

beforeEach(async () => {
  folder = await tempFolder('aws-payloads');
  store = new FolderObjectStore(folder.path);
});

afterEach(async () => {
  await folder.remove();
});

const consume = (event: MSKEvent) => makeConsumerHandler({ store, referenceCatalog: cachedReferenceCatalog(store, 60_000), logger, metrics })(event, lambdaContext());

/** Every record of the event, by "topic/offset". */
const recordsOf = (event: MSKEvent) => new Map(Object.values(event.records).flat().map((record) => [`${record.topic}/${record.offset}`, record]));

/** What the consumer wrote under a prefix, one parsed NDJSON line per record. */
const linesUnder = async (prefix: string): Promise<QuarantineLine[]> =>
  [...(await snapshotStore(store, prefix)).values()].flatMap((body) => ndjsonLines(gunzipText(body)) as QuarantineLine[]);

/** The same event with every record moved to one of our topics (everything else as AWS published it). */
const onTopic = (event: MSKEvent, topic: string): MSKEvent => ({
  ...event,
  records: Object.fromEntries(
    Object.values(event.records).map((records) => [`${topic}-${records[0]!.partition}`, records.map((record) => ({ ...record, topic }))]),
  ),
});

describe.each([
  ['the MSK event (aws/aws-lambda-go events/testdata/kafka-event.json)', 'mskEvent'],
  ['the self-managed Kafka event (Powertools parser kafkaEventSelfManaged.json)', 'selfManagedKafkaEvent'],
] as const)('consumer handler on %s', (_label, name) => {
  it('lands every record and ends each in gold or in quarantine with a known reason, never throwing', async () => {
    // Prepare
    const event = awsPayload<MSKEvent>(name);
    const sent = recordsOf(event);

    // Act
    const ledgers = await consume(event);

    // Assess: the ledger balances, and each record's landing line keeps its key and value bytes.
    expect(ledgers.reduce((sum, ledger) => sum + ledger.in, 0)).toBe(sent.size);
    for (const ledger of ledgers) expect(ledger.in).toBe(ledger.gold + ledger.quarantined);
    const landed = await linesUnder('landing/');
    expect(landed.map((line) => `${line.topic}/${line.offset}`).sort()).toEqual([...sent.keys()].sort());
    for (const line of landed) {
      const record = sent.get(`${line.topic}/${line.offset}`)!;
      expect(Buffer.from(line.value!, 'utf8').toString('base64')).toBe(record.value);
      expect(Buffer.from(line.key!, 'utf8').toString('base64')).toBe(record.key);
    }
    const quarantined = await linesUnder('quarantine/');
    expect(quarantined.length + ledgers.reduce((sum, ledger) => sum + ledger.gold, 0)).toBe(sent.size);
    for (const line of quarantined) {
      expect(line.reasons.length).toBeGreaterThan(0);
      for (const reason of line.reasons) expect(REASON_CODES).toContain(reason.code);
    }
  });

  it("quarantines the sample's topic, which has no contract here, as unknown_topic", async () => {
    // Prepare
    const event = awsPayload<MSKEvent>(name);

    // Act
    const ledgers = await consume(event);

    // Assess
    expect(ledgers.every((ledger) => ledger.gold === 0 && ledger.reasons.unknown_topic === ledger.in)).toBe(true);
  });

  it.each(['user_events', 'transactions'])('quarantines the same records sent to %s with the validation reason, not unknown_topic', async (topic) => {
    // Prepare: AWS's sample values (a UUID string, or {"key":"value"}) on one of our topics.
    const event = onTopic(awsPayload<MSKEvent>(name), topic);

    // Act
    const ledgers = await consume(event);

    // Assess
    const quarantined = await linesUnder(`quarantine/${topic}/`);
    expect(ledgers.reduce((sum, ledger) => sum + ledger.quarantined, 0)).toBe(recordsOf(event).size);
    expect(quarantined).toHaveLength(recordsOf(event).size);
    for (const line of quarantined) {
      expect(line.reasons.map((reason) => reason.code)).not.toContain('unknown_topic');
      expect(line.reasons.map((reason) => reason.code).some((code) => ['malformed_json', 'not_an_object', 'missing_field'].includes(code))).toBe(true);
    }
  });
});
