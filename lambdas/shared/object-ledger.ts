/**
 * The ledger read from the objects themselves, against the source's offsets. Per topic-partition:
 * which produced offsets are in landing, which are held by on-failure records not yet replayed
 * (pending), which are nowhere although the consumer group has read past them (gaps: lost), which
 * the group has not reached yet (not yet consumed), which landed twice under other batch boundaries
 * (overlaps: harmless), and which landed offsets have no gold or quarantine row (lost until landing
 * is replayed) — every row named by its partition and offset. Per batch: rows beyond its landed
 * records are duplicates (a copied file). Counting files, not trusting the writer's own tallies, is
 * what lets `streamflow report` say that nothing was lost.
 */
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { parseBatchName } from './contracts/batch-names.js';
import { intersect, sizeOf, subtract, unionOf, type Range } from './offset-ranges.js';
import { ONFAILURE_PREFIX, readOnFailureRecord } from './onfailure-record.js';
import type { ObjectStore, StoredObject } from './ports/object-store.js';
import { readAhead } from './read-ahead.js';
import type { PartitionOffsets, SourceOffsets } from './source-offsets.js';

export interface TopicLedger {
  landed: number;
  gold: number;
  quarantined: number;
  /** Produced (or, without source offsets, landed) records with no gold or quarantine row, by offset. */
  lost: number;
  /** Gold or quarantine rows beyond their batch's landed records (a copied file). */
  duplicates: number;
}

/** One topic-partition's offsets, from the source to landing. */
export interface PartitionCoverage {
  readonly topic: string;
  readonly partition: number;
  /** Offsets the source produced; `undefined` when no source offsets are known. */
  readonly produced: number | undefined;
  readonly committed: number | undefined;
  /** Distinct offsets in landing files. */
  readonly landed: number;
  /** Produced offsets held only by on-failure records: `streamflow replay --from onfailure` delivers them. */
  readonly pending: readonly Range[];
  /** Produced offsets in neither landing nor on-failure, below the group's committed offset (or all of them, without a group): lost. */
  readonly gaps: readonly Range[];
  /** Produced offsets in neither landing nor on-failure at or past the group's committed offset: not yet consumed, not lost. */
  readonly unconsumed: readonly Range[];
  /** Landed offsets with no gold or quarantine row: lost until `streamflow replay --from landing` derives them again. */
  readonly unresolved: readonly Range[];
  /** Offset deliveries beyond the first (redelivered under other batch boundaries). */
  readonly overlaps: number;
  /** Landed offsets the source never produced (another run's files, or a source that was reset). */
  readonly unproduced: number;
}

export interface ObjectLedger {
  readonly topics: Record<string, TopicLedger>;
  readonly partitions: readonly PartitionCoverage[];
  /** Where "in" was counted from: the source's name, or `landing` when no source offsets are known. */
  readonly source: string;
  readonly batches: number;
  /** Batches whose files do not add up, by batch name. */
  readonly unbalanced: string[];
  /** Quarantined records by their first reason code. */
  readonly reasons: Record<string, number>;
  /** Records lost, by offset: produced offsets in no file (gaps), and landed ones with no gold or quarantine row. */
  readonly lost: number;
  readonly pending: number;
  /** Produced offsets the source's consumer group has not consumed yet (see {@link PartitionCoverage.unconsumed}). */
  readonly unconsumed: number;
  /** The consumer group whose position splits gaps from unconsumed offsets, when the source names one. */
  readonly group: string | undefined;
  readonly duplicates: number;
  readonly overlaps: number;
  /** On-failure objects that could not be read (they may hide pending offsets). */
  readonly unreadableOnFailure: readonly string[];
  /** Data rows of each gold file counted, by key: the Bronze reconciliation need not read them again. */
  readonly goldFileRows: ReadonlyMap<string, number>;
  /**
   * The `gold/` listing these counts come from: the Bronze reconciliation compares the same
   * snapshot of the bucket, without listing it again (a folder's listing reads and hashes every file).
   */
  readonly goldObjects: readonly StoredObject[];
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const ZERO = 0x30;
const NINE = 0x39;

/** Lines of gunzipped NDJSON. */
const linesOf = (text: Buffer): string[] => {
  const decoded = text.toString('utf8');
  return decoded === '' ? [] : decoded.replace(/\n$/, '').split('\n');
};

/**
 * The lines of gunzipped NDJSON, counted on the bytes (JSON escapes line breaks inside values),
 * with only the first decoded: a landing file is read for its size and topic, not split.
 */
const countLines = (text: Buffer): { lines: number; first: string } => {
  let lines = 0;
  for (let at = text.indexOf(NEWLINE); at >= 0; at = text.indexOf(NEWLINE, at + 1)) lines++;
  if (text.length > 0 && text[text.length - 1] !== NEWLINE) lines++;
  const end = text.indexOf(NEWLINE);
  return { lines, first: text.toString('utf8', 0, end < 0 ? text.length : end) };
};

/**
 * CSV records in bytes: line breaks outside quotes, and a last line without one. Scanning bytes is
 * scanning characters here: quote and line break are ASCII, and UTF-8 never uses ASCII bytes
 * inside a multi-byte character.
 */
const csvRecords = (text: Buffer): number => {
  let records = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const byte = text[i];
    if (byte === QUOTE) quoted = !quoted;
    else if (byte === NEWLINE && !quoted) records++;
  }
  if (text.length > 0 && text[text.length - 1] !== NEWLINE) records++;
  return records;
};

/**
 * Data rows of a gzipped gold CSV file (its header line excluded). A line break inside a quoted
 * field (a search query or page URL holding a newline) does not end a row, so lines cannot be counted.
 */
export const goldDataRows = (body: Uint8Array): number => dataRowsOf(gunzipSync(body));

/** Data rows of a gunzipped gold CSV file: its records less the header. */
const dataRowsOf = (text: Buffer): number => Math.max(0, csvRecords(text) - 1);

/** A field's number as `Number(text)` reads it; plain digits (every consumer-written offset) without decoding. */
const numberAt = (text: Buffer, start: number, end: number): number => {
  if (end <= start || end - start > 15) return Number(text.toString('utf8', start, end));
  let value = 0;
  for (let i = start; i < end; i++) {
    const byte = text[i]!;
    if (byte < ZERO || byte > NINE) return Number(text.toString('utf8', start, end));
    value = value * 10 + byte - ZERO;
  }
  return value;
};

/** Offsets of one partition with a gold or quarantine row. */
interface PartitionRanges {
  readonly partition: number;
  readonly ranges: Range[];
}

/** Adds one row's source offset to its partition's ranges; returns the partition's entry, the next row's likely one. */
const addSource = (partitions: PartitionRanges[], current: PartitionRanges | undefined, partition: number, offset: number): PartitionRanges => {
  let entry = current;
  if (entry?.partition !== partition) {
    entry = partitions.find((candidate) => candidate.partition === partition);
    if (!entry) partitions.push((entry = { partition, ranges: [] }));
  }
  const last = entry.ranges[entry.ranges.length - 1];
  if (last && last.last + 1 === offset) entry.ranges[entry.ranges.length - 1] = { first: last.first, last: offset };
  else entry.ranges.push({ first: offset, last: offset });
  return entry;
};

/**
 * The source records of a gzipped gold CSV file's data rows, from its `kafka_partition` and
 * `kafka_offset` columns (integers, written unquoted), as offset ranges per partition (rows come in
 * offset order, so a file is a few ranges, not one entry a row); `undefined` for a file without
 * those columns (not the consumer's). Quoted fields may hold commas and line breaks, so fields are
 * split by a scan, on the bytes (see {@link csvRecords}). This scan is most of the ledger's time:
 * its state lives in local variables (no closures over them), and a quoted field is crossed by
 * `indexOf` to its closing quote (a doubled quote inside closes and reopens it, as counting
 * quotes one by one would): the 23 MB of a 100k run's gold files in 90 ms, not 116–173.
 */
export const goldRowSources = (text: Buffer): { dataRows: number; partitions: PartitionRanges[] } | undefined => {
  const length = text.length;
  const header: string[] = [];
  const partitions: PartitionRanges[] = [];
  /** Line breaks outside quotes, counted as {@link csvRecords} counts them. */
  let breaks = 0;
  let current: PartitionRanges | undefined;
  let partitionColumn = -1;
  let offsetColumn = -1;
  let row = 0;
  let field = 0;
  let start = 0;
  let partition = Number.NaN;
  let offset = Number.NaN;
  // One past the end stands for a last line break, so a last line without one ends its row too.
  for (let i = 0; i <= length; i++) {
    const byte = i < length ? text[i] : NEWLINE;
    if (byte === QUOTE) {
      const closing = text.indexOf(QUOTE, i + 1);
      // An unclosed quote runs to the end: nothing after it is a field or a row.
      if (closing < 0) break;
      i = closing;
      continue;
    }
    if (byte !== COMMA && byte !== NEWLINE) continue;
    if (byte === NEWLINE) {
      if (i < length) breaks++;
      else if (start === i && field === 0) break;
    }
    if (row === 0) header.push(text.toString('utf8', start, i));
    else if (field === partitionColumn) partition = numberAt(text, start, i);
    else if (field === offsetColumn) offset = numberAt(text, start, i);
    start = i + 1;
    if (byte === COMMA) {
      field++;
      continue;
    }
    if (row === 0) {
      partitionColumn = header.indexOf('kafka_partition');
      offsetColumn = header.indexOf('kafka_offset');
      if (partitionColumn < 0 || offsetColumn < 0) return undefined;
    } else if (Number.isSafeInteger(partition) && Number.isSafeInteger(offset)) {
      current = addSource(partitions, current, partition, offset);
    }
    row++;
    field = 0;
    partition = Number.NaN;
    offset = Number.NaN;
  }
  const unterminated = length > 0 && text[length - 1] !== NEWLINE ? 1 : 0;
  return { dataRows: Math.max(0, breaks + unterminated - 1), partitions };
};

/** The batch a key belongs to, e.g. `user_events+0+0-4999`. */
const batchOf = (key: string): string | undefined => {
  const parsed = parseBatchName(key);
  return parsed && `${parsed.topic}+${parsed.partition}+${parsed.firstOffset}-${parsed.lastOffset}`;
};

const tpKey = (topic: string, partition: number): string => `${topic}\n${partition}`;

/** The offsets a landing file holds, as ranges: one when its records are contiguous (they are, from Kafka without transactions). */
const landedRanges = (key: string, text: Buffer): { topic: string | undefined; partition: number; lines: number; ranges: Range[] } => {
  const named = parseBatchName(key)!;
  const { lines, first } = countLines(text);
  const firstRecord = JSON.parse(lines === 0 ? '{}' : first) as { topic?: unknown };
  const topic = typeof firstRecord.topic === 'string' ? firstRecord.topic : undefined;
  if (lines === named.lastOffset - named.firstOffset + 1) return { topic, partition: named.partition, lines, ranges: [{ first: named.firstOffset, last: named.lastOffset }] };
  const offsets = linesOf(text)
    .map((line) => (JSON.parse(line) as { offset?: unknown }).offset)
    .filter((offset): offset is number => Number.isSafeInteger(offset));
  return { topic, partition: named.partition, lines, ranges: unionOf(offsets.map((offset) => ({ first: offset, last: offset }))) };
};

interface PartitionFacts {
  readonly topic: string;
  readonly partition: number;
  readonly landed: Range[];
  readonly onFailure: Range[];
  /** Offsets with a gold or quarantine row. */
  readonly outcomes: Range[];
}

interface BatchFacts extends TopicLedger {
  readonly topic: string;
  partition: number;
  readonly landedRanges: Range[];
  /** Gold or quarantine rows that do not name their offset (files not written by the consumer). */
  unattributed: number;
}

export interface CountOptions {
  /** The source's offsets: "in". Without them, "in" is what landed and gaps cannot be seen. */
  readonly source?: SourceOffsets;
  /** Where on-failure records are. @default the store */
  readonly onFailureStore?: ObjectStore;
}

/**
 * Offsets from where a consumer group stands on a partition to the end: a group that can still
 * consume owes nothing there yet. Its committed offset is the next it will read; one that never
 * committed there has consumed nothing (it starts at the log's start, as the ESM's TRIM_HORIZON).
 */
const notYetConsumed = (source: PartitionOffsets | undefined, hasGroup: boolean): Range[] => {
  if (!source || !hasGroup) return [];
  const from = Math.max(source.start, source.committed ?? source.start);
  return from < source.end ? [{ first: from, last: source.end - 1 }] : [];
};

const coverageOf = (facts: PartitionFacts, source: PartitionOffsets | undefined, known: boolean, hasGroup: boolean): PartitionCoverage => {
  const landedUnion = unionOf(facts.landed);
  const overlaps = sizeOf(facts.landed) - sizeOf(landedUnion);
  const held = subtract(unionOf(facts.onFailure), landedUnion);
  const withoutOutcome = subtract(landedUnion, unionOf(facts.outcomes));
  const { topic, partition } = facts;
  if (!known) {
    return {
      topic,
      partition,
      produced: undefined,
      committed: undefined,
      landed: sizeOf(landedUnion),
      pending: held,
      gaps: [],
      unconsumed: [],
      unresolved: withoutOutcome,
      overlaps,
      unproduced: 0,
    };
  }
  const produced: Range[] = source && source.end > source.start ? [{ first: source.start, last: source.end - 1 }] : [];
  const uncovered = subtract(subtract(produced, landedUnion), held);
  const ahead = notYetConsumed(source, hasGroup);
  return {
    topic,
    partition,
    produced: sizeOf(produced),
    committed: source?.committed,
    landed: sizeOf(intersect(landedUnion, produced)),
    pending: intersect(held, produced),
    gaps: subtract(uncovered, ahead),
    unconsumed: intersect(uncovered, ahead),
    unresolved: intersect(withoutOutcome, produced),
    overlaps,
    unproduced: sizeOf(subtract(landedUnion, produced)),
  };
};

/**
 * Files read and gunzipped ahead of the one being counted: enough to keep the thread pool busy on
 * the other core (and, on S3, several GETs in flight), few enough that memory stays a few files.
 */
const READ_AHEAD_FILES = 4;

/** zlib's default output chunk (https://nodejs.org/api/zlib.html, "Class: Options", chunkSize). */
const DEFAULT_CHUNK_BYTES = 16 * 1024;

/**
 * One output chunk the size the gzip trailer declares (ISIZE, the input's length modulo 2^32:
 * RFC 1952 §2.3.1), plus one byte so zlib needs no second call to find the end. Each chunk is a
 * round trip between the thread pool and the main thread, and with the default 16 KiB a ~2 MB gold
 * file takes 120 of them: gunzipping the files of a 300k run took 0.6–0.8 s so, 0.25–0.34 s thus.
 * Only a size hint: a file of several gzip members (the trailer speaks for the last) still
 * gunzips whole, in more chunks.
 */
const chunkBytesFor = (body: Uint8Array): number =>
  body.length < 4 ? DEFAULT_CHUNK_BYTES : Math.max(DEFAULT_CHUNK_BYTES, Buffer.from(body.buffer, body.byteOffset, body.length).readUInt32LE(body.length - 4) + 1);

const gunzipAsync = promisify(gunzip);

/** An object's bytes gunzipped on libuv's thread pool, off the main thread. */
const gunzipFile = async (store: ObjectStore, key: string): Promise<Buffer> => {
  const body = (await store.get(key))!;
  return gunzipAsync(body, { chunkSize: chunkBytesFor(body) });
};

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

export const countObjectLedger = async (store: ObjectStore, options: CountOptions = {}): Promise<ObjectLedger> => {
  const batches = new Map<string, BatchFacts>();
  const partitions = new Map<string, PartitionFacts>();
  const factsOf = (topic: string, partition: number): PartitionFacts => {
    let facts = partitions.get(tpKey(topic, partition));
    if (!facts) partitions.set(tpKey(topic, partition), (facts = { topic, partition, landed: [], onFailure: [], outcomes: [] }));
    return facts;
  };
  // Keyed by names read from object keys: no prototype, so a topic called `__proto__` is a topic.
  const reasons = Object.create(null) as Record<string, number>;
  const entry = (key: string, topic?: string): BatchFacts | undefined => {
    const name = batchOf(key);
    if (!name) return undefined;
    let batch = batches.get(name);
    if (!batch) {
      const parsed = parseBatchName(key)!;
      batch = { topic: topic ?? parsed.topic, partition: parsed.partition, landed: 0, gold: 0, quarantined: 0, lost: 0, duplicates: 0, landedRanges: [], unattributed: 0 };
      batches.set(name, batch);
    }
    return batch;
  };

  const onFailureStore = options.onFailureStore ?? store;
  const [landing, gold, quarantine, onFailure] = await Promise.all([
    store.list('landing/'),
    store.list('gold/'),
    store.list('quarantine/'),
    onFailureStore.list(ONFAILURE_PREFIX),
  ]);
  const gunzipped = (object: StoredObject): Promise<Buffer> => gunzipFile(store, object.key);
  for (const { item: object, loaded } of readAhead(landing.filter((object) => batchOf(object.key)), READ_AHEAD_FILES, gunzipped)) {
    const landed = landedRanges(object.key, await loaded);
    // The records' own topic: a long topic's key holds only its short form.
    const batch = entry(object.key, landed.topic)!;
    batch.landed += landed.lines;
    batch.landedRanges.push(...landed.ranges);
    factsOf(batch.topic, landed.partition).landed.push(...landed.ranges);
  }
  const goldFileRows = new Map<string, number>();
  for (const { item: object, loaded } of readAhead(gold.filter((object) => batchOf(object.key)), READ_AHEAD_FILES, gunzipped)) {
    const batch = entry(object.key)!;
    const text = await loaded;
    const sources = goldRowSources(text);
    if (sources === undefined) {
      const rows = dataRowsOf(text);
      goldFileRows.set(object.key, rows);
      batch.gold += rows;
      batch.unattributed += rows;
      continue;
    }
    goldFileRows.set(object.key, sources.dataRows);
    for (const { partition, ranges } of sources.partitions) {
      batch.gold += sizeOf(ranges);
      factsOf(batch.topic, partition).outcomes.push(...ranges);
    }
  }
  for (const { item: object, loaded } of readAhead(quarantine.filter((object) => batchOf(object.key)), READ_AHEAD_FILES, gunzipped)) {
    const batch = entry(object.key)!;
    for (const line of linesOf(await loaded)) {
      batch.quarantined++;
      const record = JSON.parse(line) as { partition?: unknown; offset?: unknown; reasons?: { code: string }[] };
      const code = record.reasons?.[0]?.code ?? 'unrecorded';
      reasons[code] = (reasons[code] ?? 0) + 1;
      if (Number.isSafeInteger(record.partition) && Number.isSafeInteger(record.offset)) {
        factsOf(batch.topic, record.partition as number).outcomes.push({ first: record.offset as number, last: record.offset as number });
      } else {
        batch.unattributed++;
      }
    }
  }
  const unreadableOnFailure: string[] = [];
  const onFailureBody = (object: StoredObject): Promise<Uint8Array | undefined> => onFailureStore.get(object.key);
  for (const { item: object, loaded } of readAhead(onFailure, READ_AHEAD_FILES, onFailureBody)) {
    try {
      for (const range of readOnFailureRecord(object.key, (await loaded)!).ranges) {
        factsOf(range.topic, range.partition).onFailure.push({ first: Number(range.firstOffset), last: Number(range.lastOffset) });
      }
    } catch {
      unreadableOnFailure.push(object.key);
    }
  }

  const unbalanced: string[] = [];
  for (const [name, batch] of batches) {
    const difference = batch.landed - batch.gold - batch.quarantined;
    batch.duplicates = Math.max(0, -difference);
    if (difference !== 0) unbalanced.push(name);
    // Rows that do not name their offsets settle their batch only when the counts add up.
    if (batch.unattributed > 0 && difference === 0) factsOf(batch.topic, batch.partition).outcomes.push(...batch.landedRanges);
  }

  const sourceOf = new Map((options.source?.partitions ?? []).map((offsets) => [tpKey(offsets.topic, offsets.partition), offsets]));
  for (const offsets of sourceOf.values()) factsOf(offsets.topic, offsets.partition);
  const coverage = [...partitions.values()]
    .map((facts) => coverageOf(facts, sourceOf.get(tpKey(facts.topic, facts.partition)), options.source !== undefined, options.source?.group !== undefined))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));

  const topics = Object.create(null) as Record<string, TopicLedger>;
  const topicOf = (topic: string): TopicLedger => (topics[topic] ??= { landed: 0, gold: 0, quarantined: 0, lost: 0, duplicates: 0 });
  for (const batch of batches.values()) {
    const topic = topicOf(batch.topic);
    topic.landed += batch.landed;
    topic.gold += batch.gold;
    topic.quarantined += batch.quarantined;
    topic.duplicates += batch.duplicates;
  }
  for (const partition of coverage) {
    const lost = sizeOf(partition.gaps) + sizeOf(partition.unresolved);
    if (lost > 0) topicOf(partition.topic).lost += lost;
  }

  return {
    topics,
    partitions: coverage,
    source: options.source?.source ?? 'landing',
    batches: batches.size,
    unbalanced,
    reasons,
    lost: sum(coverage.map((partition) => sizeOf(partition.gaps) + sizeOf(partition.unresolved))),
    pending: sum(coverage.map((partition) => sizeOf(partition.pending))),
    unconsumed: sum(coverage.map((partition) => sizeOf(partition.unconsumed))),
    group: options.source?.group,
    duplicates: sum([...batches.values()].map((batch) => batch.duplicates)),
    overlaps: sum(coverage.map((partition) => partition.overlaps)),
    unreadableOnFailure,
    goldFileRows,
    goldObjects: gold,
  };
};
