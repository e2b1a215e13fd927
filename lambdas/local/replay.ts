/**
 * `streamflow replay`: rebuilds what the consumer writes, without producing anything, from the two
 * places a batch survives a failure. The on-failure destination (Lambda's records under
 * `aws/lambda/`, each holding the event of a discarded batch as its `payload`) is re-delivered
 * through the consumer Lambda's own handler; a record without payload (MaximumPayloadSizeExceeded)
 * is re-read from Kafka when a reader is given, and otherwise listed with its exact offsets.
 * `landing/`, the raw copy of every record, is turned into gold and quarantine again by the
 * consumer's own writer. Both are idempotent: object keys are deterministic, so a replay
 * overwrites what a delivery or an earlier replay wrote, and the loader then loads only the files
 * whose bytes changed.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { MSKEvent } from 'aws-lambda';
import { GZIP_LEVEL, writeBatch } from '../consumer/consume-event.js';
import { decodeMskEvent, fromLandingLine, type PartitionBatch, type ReadLandingLine } from '../consumer/kafka-record.js';
import { makeConsumerHandler } from '../consumer/make-handler.js';
import { goldKeyFor, landingKeyFor, quarantineKeyFor, topicSegment } from '../consumer/object-keys.js';
import type { BatchLedger } from '../consumer/transform-batch.js';
import { isKnownTopic } from '../shared/contracts/events.js';
import { GOLD_TABLE_BY_TOPIC, type GoldTable } from '../shared/contracts/tables.js';
import { csvHeader } from '../shared/csv.js';
import type { ObjectStore, StoredObject } from '../shared/ports/object-store.js';
import { ONFAILURE_PREFIX, readOnFailureRecord, type OffsetRange } from '../shared/onfailure-record.js';
import { logger, metrics } from '../shared/powertools.js';
import { loadReferenceCatalog, type ReferenceCatalog } from '../shared/reference-catalog.js';
import { localLambdaContext } from './lambda-context.js';
import { REPLAY_SOURCES, type ReplaySelection, type ReplaySource } from './replay-selection.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface ReplayProgress {
  readonly source: ReplaySource;
  readonly done: number;
  readonly total: number;
}

export interface ReplayOptions {
  /** The bucket the consumer writes to (landing, gold, quarantine). */
  readonly store: ObjectStore;
  /** Where Lambda writes on-failure records. @default store */
  readonly onFailureStore?: ObjectStore;
  /** Reads a discarded batch's records again from Kafka, for records that carry no payload. */
  readonly reread?: (range: OffsetRange) => Promise<MSKEvent>;
  readonly selection?: ReplaySelection;
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/** An object that could not be replayed, and why; nothing was written for it. */
export interface ReplayFailure {
  readonly key: string;
  readonly error: string;
}

export interface SourceTally {
  /** On-failure files re-delivered, or landing files derived again. */
  objects: number;
  records: number;
  gold: number;
  quarantined: number;
  readonly failed: ReplayFailure[];
}

/** Offsets of a discarded batch that must be read from Kafka again (its record has no payload). */
export interface RereadNeeded {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  /** Decimal strings: Kafka offsets are 64-bit. */
  readonly firstOffset: string;
  readonly lastOffset: string;
}

export interface ReplaySummary {
  readonly onFailure: SourceTally & { readonly reread: RereadNeeded[] };
  readonly landing: SourceTally & {
    /** Landing files left alone because this replay had just re-delivered their batch from on-failure. */
    skipped: number;
    /** Gold or quarantine files of an earlier derivation emptied because the batch no longer has such rows. */
    readonly cleared: string[];
  };
  /** Quarantined records by their first reason, over both sources. */
  readonly reasons: Record<string, number>;
  readonly ms: number;
}

const emptyTally = (): SourceTally => ({ objects: 0, records: 0, gold: 0, quarantined: 0, failed: [] });

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** The objects of one source the selection names, in key order. */
const selectedObjects = async (store: ObjectStore, source: ReplaySource, selection: ReplaySelection): Promise<StoredObject[]> => {
  const root = source === 'landing' ? 'landing/' : ONFAILURE_PREFIX;
  const { prefix } = selection;
  // A prefix under the other source selects nothing here.
  if (prefix !== undefined && !prefix.startsWith(root) && !root.startsWith(prefix)) return [];
  const listed = await store.list(prefix !== undefined && prefix.length > root.length ? prefix : root);
  if (source === 'onfailure') return listed;
  // Topic and day narrow landing by its keys; on-failure records are narrowed by their contents.
  return listed.filter(
    (object) =>
      object.key.endsWith('.ndjson.gz') &&
      (selection.topic === undefined || object.key.startsWith(`landing/${topicSegment(selection.topic)}/`)) &&
      (selection.date === undefined || object.key.includes(`/dt=${selection.date}/`)),
  );
};

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === 'string');

const isLandingHeader = (value: unknown): boolean => {
  if (typeof value !== 'object' || value === null) return false;
  const header = value as Record<string, unknown>;
  return typeof header.name === 'string' && (typeof header.value_base64 === 'string' || header.value_base64 === null);
};

/** Headers as this version writes them (a list), or as the earlier one did (an object of texts). */
const isLandingHeaders = (value: unknown): boolean => (Array.isArray(value) ? value.every(isLandingHeader) : isStringRecord(value));

/** A landing line as the consumer writes it; a broker time that was not a number was written as `null`. */
const isLandingLine = (value: unknown): value is Omit<ReadLandingLine, 'timestamp'> & { timestamp: number | null } => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const line = value as Record<string, unknown>;
  return (
    typeof line.topic === 'string' &&
    Number.isSafeInteger(line.partition) &&
    Number.isSafeInteger(line.offset) &&
    (typeof line.timestamp === 'number' || line.timestamp === null) &&
    (typeof line.key === 'string' || line.key === null) &&
    (typeof line.value === 'string' || line.value === null) &&
    (line.value_base64 === undefined || typeof line.value_base64 === 'string') &&
    (line.key_base64 === undefined || typeof line.key_base64 === 'string') &&
    (line.timestampType === undefined || typeof line.timestampType === 'string') &&
    (line.headers === undefined || isLandingHeaders(line.headers))
  );
};

/**
 * The partition batch a landing file holds, checked to be the batch its key names: a file that
 * does not read back whole is reported, never half replayed (its landing copy would be overwritten).
 */
export const batchOfLandingFile = (key: string, text: string): PartitionBatch => {
  const lines = text.split('\n').filter((line) => line !== '');
  if (lines.length === 0) throw new Error(`${key} holds no records`);
  const records = lines.map((line, index) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new Error(`${key}: line ${index + 1} is not JSON (${messageOf(error).slice(0, 100)})`, { cause: error });
    }
    if (!isLandingLine(parsed)) throw new Error(`${key}: line ${index + 1} is not a landing record (topic, partition, offset, timestamp, key, value)`);
    // JSON has no NaN: a broker time that was not a number comes back as one, so the verdict repeats.
    return fromLandingLine({ ...parsed, timestamp: parsed.timestamp ?? Number.NaN });
  });
  const batch: PartitionBatch = { topic: records[0]!.topic, partition: records[0]!.partition, records };
  if (records.some((record) => record.topic !== batch.topic || record.partition !== batch.partition)) {
    throw new Error(`${key} mixes records of several topic-partitions`);
  }
  const expected = landingKeyFor(batch);
  if (expected !== key) throw new Error(`${key} holds the records of ${expected}; not replayed, so nothing is written under another name`);
  return batch;
};

/**
 * After a derivation, a batch with no gold rows (or no rejects) must not keep the file an earlier
 * derivation wrote, or its records would count twice. The port cannot delete, so the file is
 * overwritten with no rows (a gold file keeps its header): the loader then replaces its Bronze rows.
 */
const clearStaleFiles = async (store: ObjectStore, batch: PartitionBatch, ledger: BatchLedger): Promise<string[]> => {
  const candidates: { key: string; text: string; contentType: string }[] = [];
  if (ledger.gold === 0 && isKnownTopic(batch.topic)) {
    const table = GOLD_TABLE_BY_TOPIC[batch.topic] as GoldTable<unknown>;
    candidates.push({ key: goldKeyFor(batch, table.name), text: `${csvHeader(table.columns)}\n`, contentType: 'text/csv+gzip' });
  }
  if (ledger.quarantined === 0) candidates.push({ key: quarantineKeyFor(batch), text: '', contentType: 'application/x-ndjson+gzip' });

  const cleared: string[] = [];
  for (const { key, text, contentType } of candidates) {
    const existing = await store.get(key);
    if (existing === undefined || (await gunzipAsync(existing)).toString('utf8') === text) continue;
    await store.put(key, await gzipAsync(text, { level: GZIP_LEVEL }), contentType);
    cleared.push(key);
  }
  return cleared;
};

const add = (tally: SourceTally, reasons: Record<string, number>, ledgers: readonly BatchLedger[]): void => {
  for (const ledger of ledgers) {
    tally.records += ledger.in;
    tally.gold += ledger.gold;
    tally.quarantined += ledger.quarantined;
    for (const [code, count] of Object.entries(ledger.reasons)) reasons[code] = (reasons[code] ?? 0) + count;
  }
};

/** Whether a discarded batch is one the selection names (its topic, and the day its landing file is filed under). */
const isSelected = (event: MSKEvent | undefined, ranges: readonly OffsetRange[], selection: ReplaySelection): boolean => {
  if (selection.topic !== undefined && !ranges.some((range) => range.topic === selection.topic)) return false;
  if (selection.date === undefined) return true;
  // Without the records there is no broker time to file the batch under: listed, never skipped.
  return event === undefined || decodeMskEvent(event).some((batch) => landingKeyFor(batch).includes(`/dt=${selection.date}/`));
};

const replayOnFailure = async (options: ReplayOptions, selection: ReplaySelection, summary: ReplaySummary, delivered: Set<string>): Promise<void> => {
  const { store } = options;
  const source = options.onFailureStore ?? store;
  const objects = await selectedObjects(source, 'onfailure', selection);
  if (objects.length === 0) return;
  const catalog = await loadReferenceCatalog(store);
  const handler = makeConsumerHandler({ store, referenceCatalog: () => Promise.resolve(catalog), logger, metrics });
  const redeliver = async (event: MSKEvent): Promise<void> => {
    const ledgers = await handler(event, localLambdaContext('streamflow-consumer'));
    add(summary.onFailure, summary.reasons, ledgers);
    for (const batch of decodeMskEvent(event)) delivered.add(landingKeyFor(batch));
  };
  for (const [index, object] of objects.entries()) {
    try {
      const body = await source.get(object.key);
      if (body !== undefined) {
        const discarded = readOnFailureRecord(object.key, body);
        if (isSelected(discarded.event, discarded.ranges, selection)) {
          if (discarded.event !== undefined) {
            await redeliver(discarded.event);
            summary.onFailure.objects++;
          } else if (options.reread) {
            for (const range of discarded.ranges) await redeliver(await options.reread(range));
            summary.onFailure.objects++;
          } else {
            for (const range of discarded.ranges) {
              summary.onFailure.reread.push({
                key: object.key,
                topic: range.topic,
                partition: range.partition,
                firstOffset: String(range.firstOffset),
                lastOffset: String(range.lastOffset),
              });
            }
          }
        }
      }
    } catch (error) {
      summary.onFailure.failed.push({ key: object.key, error: messageOf(error) });
      logger.error('on-failure batch not re-delivered', { key: object.key, error: messageOf(error) });
    }
    options.onProgress?.({ source: 'onfailure', done: index + 1, total: objects.length });
  }
};

const replayLanding = async (options: ReplayOptions, selection: ReplaySelection, summary: ReplaySummary, delivered: Set<string>): Promise<void> => {
  const { store } = options;
  const objects = await selectedObjects(store, 'landing', selection);
  if (objects.length === 0) return;
  const catalog: ReferenceCatalog = await loadReferenceCatalog(store);
  if (!catalog.available) logger.warn('No reference data under reference/: unknown ids are not checked');
  for (const [index, object] of objects.entries()) {
    try {
      if (delivered.has(object.key)) {
        summary.landing.skipped++;
      } else {
        const body = await store.get(object.key);
        if (body !== undefined) {
          const batch = batchOfLandingFile(object.key, (await gunzipAsync(body)).toString('utf8'));
          const ledger = await writeBatch(store, batch, catalog);
          summary.landing.cleared.push(...(await clearStaleFiles(store, batch, ledger)));
          summary.landing.objects++;
          add(summary.landing, summary.reasons, [ledger]);
        }
      }
    } catch (error) {
      summary.landing.failed.push({ key: object.key, error: messageOf(error) });
      logger.error('landing file not replayed', { key: object.key, error: messageOf(error) });
    }
    options.onProgress?.({ source: 'landing', done: index + 1, total: objects.length });
  }
};

/** Replays what the selection names; a file that cannot be replayed is reported and skipped, never fatal. */
export const replay = async (options: ReplayOptions): Promise<ReplaySummary> => {
  const started = performance.now();
  const selection = options.selection ?? {};
  const sources = selection.sources ?? REPLAY_SOURCES;
  const summary: ReplaySummary = { onFailure: { ...emptyTally(), reread: [] }, landing: { ...emptyTally(), skipped: 0, cleared: [] }, reasons: {}, ms: 0 };
  // Landing keys of the batches just re-delivered: their files are fresh, a second pass would redo them.
  const delivered = new Set<string>();
  if (sources.includes('onfailure')) await replayOnFailure(options, selection, summary, delivered);
  if (sources.includes('landing')) await replayLanding(options, selection, summary, delivered);
  return { ...summary, ms: Math.round(performance.now() - started) };
};
