/**
 * The ledger read from the objects themselves, against the source's offsets. Per topic-partition:
 * which produced offsets are in landing, which are held by on-failure records not yet replayed
 * (pending), which are nowhere (gaps: lost), and which landed twice under other batch boundaries
 * (overlaps: harmless). Per batch: records landed must equal gold rows plus quarantined records;
 * rows beyond that are duplicates (a copied file), rows short of it are lost. Counting files, not
 * trusting the writer's own tallies, is what lets `streamflow report` say that nothing was lost.
 */
import { gunzipSync } from 'node:zlib';
import { parseBatchName } from '../consumer/object-keys.js';
import { intersect, sizeOf, subtract, unionOf, type Range } from './offset-ranges.js';
import { ONFAILURE_PREFIX, readOnFailureRecord } from './onfailure-record.js';
import type { ObjectStore } from './ports/object-store.js';
import type { SourceOffsets } from './source-offsets.js';

export interface TopicLedger {
  landed: number;
  gold: number;
  quarantined: number;
  /** Landed records in neither gold nor quarantine (summed per batch). */
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
  /** Produced offsets in neither landing nor on-failure: lost. */
  readonly gaps: readonly Range[];
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
  /** Records lost: landed but in neither gold nor quarantine, plus produced offsets in no file (gaps). */
  readonly lost: number;
  readonly pending: number;
  readonly duplicates: number;
  readonly overlaps: number;
  /** On-failure objects that could not be read (they may hide pending offsets). */
  readonly unreadableOnFailure: readonly string[];
}

const linesOf = (body: Uint8Array): string[] => {
  const text = gunzipSync(body).toString('utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
};

/**
 * Data rows of a gzipped gold CSV file (its header line excluded). A line break inside a quoted
 * field (a search query or page URL holding a newline) does not end a row, so lines cannot be counted.
 */
export const goldDataRows = (body: Uint8Array): number => {
  const text = gunzipSync(body).toString('utf8');
  let records = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x22) quoted = !quoted;
    else if (char === 0x0a && !quoted) records++;
  }
  if (text !== '' && !text.endsWith('\n')) records++;
  return Math.max(0, records - 1);
};

/** The batch a key belongs to, e.g. `user_events+0+0-4999`. */
const batchOf = (key: string): string | undefined => {
  const parsed = parseBatchName(key);
  return parsed && `${parsed.topic}+${parsed.partition}+${parsed.firstOffset}-${parsed.lastOffset}`;
};

const tpKey = (topic: string, partition: number): string => `${topic}\n${partition}`;

/** The offsets a landing file holds, as ranges: one when its records are contiguous (they are, from Kafka without transactions). */
const landedRanges = (key: string, lines: readonly string[]): { topic: string | undefined; partition: number; ranges: Range[] } => {
  const named = parseBatchName(key)!;
  const first = JSON.parse(lines[0] ?? '{}') as { topic?: unknown };
  const topic = typeof first.topic === 'string' ? first.topic : undefined;
  if (lines.length === named.lastOffset - named.firstOffset + 1) return { topic, partition: named.partition, ranges: [{ first: named.firstOffset, last: named.lastOffset }] };
  const offsets = lines.map((line) => (JSON.parse(line) as { offset?: unknown }).offset).filter((offset): offset is number => Number.isSafeInteger(offset));
  return { topic, partition: named.partition, ranges: unionOf(offsets.map((offset) => ({ first: offset, last: offset }))) };
};

interface PartitionFacts {
  landed: Range[];
  onFailure: Range[];
}

export interface CountOptions {
  /** The source's offsets: "in". Without them, "in" is what landed and gaps cannot be seen. */
  readonly source?: SourceOffsets;
  /** Where on-failure records are. @default the store */
  readonly onFailureStore?: ObjectStore;
}

const coverageOf = (topic: string, partition: number, facts: PartitionFacts, source: SourceOffsets['partitions'][number] | undefined): PartitionCoverage => {
  const landedUnion = unionOf(facts.landed);
  const overlaps = sizeOf(facts.landed) - sizeOf(landedUnion);
  const held = subtract(unionOf(facts.onFailure), landedUnion);
  if (!source) {
    return { topic, partition, produced: undefined, committed: undefined, landed: sizeOf(landedUnion), pending: held, gaps: [], overlaps, unproduced: 0 };
  }
  const produced: Range[] = source.end > source.start ? [{ first: source.start, last: source.end - 1 }] : [];
  return {
    topic,
    partition,
    produced: sizeOf(produced),
    committed: source.committed,
    landed: sizeOf(intersect(landedUnion, produced)),
    pending: intersect(held, produced),
    gaps: subtract(subtract(produced, landedUnion), held),
    overlaps,
    unproduced: sizeOf(subtract(landedUnion, produced)),
  };
};

export const countObjectLedger = async (store: ObjectStore, options: CountOptions = {}): Promise<ObjectLedger> => {
  const batches = new Map<string, TopicLedger & { topic: string }>();
  const partitions = new Map<string, PartitionFacts & { topic: string; partition: number }>();
  const factsOf = (topic: string, partition: number) => {
    let facts = partitions.get(tpKey(topic, partition));
    if (!facts) partitions.set(tpKey(topic, partition), (facts = { topic, partition, landed: [], onFailure: [] }));
    return facts;
  };
  // Keyed by names read from object keys: no prototype, so a topic called `__proto__` is a topic.
  const reasons = Object.create(null) as Record<string, number>;
  const entry = (key: string, topic?: string) => {
    const name = batchOf(key);
    if (!name) return undefined;
    let ledger = batches.get(name);
    if (!ledger) {
      ledger = { topic: topic ?? parseBatchName(key)!.topic, landed: 0, gold: 0, quarantined: 0, lost: 0, duplicates: 0 };
      batches.set(name, ledger);
    }
    return ledger;
  };

  const onFailureStore = options.onFailureStore ?? store;
  const [landing, gold, quarantine, onFailure] = await Promise.all([
    store.list('landing/'),
    store.list('gold/'),
    store.list('quarantine/'),
    onFailureStore.list(ONFAILURE_PREFIX),
  ]);
  for (const object of landing) {
    if (!batchOf(object.key)) continue;
    const lines = linesOf((await store.get(object.key))!);
    const landed = landedRanges(object.key, lines);
    // The records' own topic: a long topic's key holds only its short form.
    const topic = landed.topic ?? parseBatchName(object.key)!.topic;
    entry(object.key, topic)!.landed += lines.length;
    factsOf(topic, landed.partition).landed.push(...landed.ranges);
  }
  for (const object of gold) {
    const ledger = entry(object.key);
    if (ledger) ledger.gold += goldDataRows((await store.get(object.key))!);
  }
  for (const object of quarantine) {
    const ledger = entry(object.key);
    if (!ledger) continue;
    for (const line of linesOf((await store.get(object.key))!)) {
      ledger.quarantined++;
      const code = (JSON.parse(line) as { reasons?: { code: string }[] }).reasons?.[0]?.code ?? 'unrecorded';
      reasons[code] = (reasons[code] ?? 0) + 1;
    }
  }
  const unreadableOnFailure: string[] = [];
  for (const object of onFailure) {
    try {
      for (const range of readOnFailureRecord(object.key, (await onFailureStore.get(object.key))!).ranges) {
        factsOf(range.topic, range.partition).onFailure.push({ first: Number(range.firstOffset), last: Number(range.lastOffset) });
      }
    } catch {
      unreadableOnFailure.push(object.key);
    }
  }

  const topics = Object.create(null) as Record<string, TopicLedger>;
  const unbalanced: string[] = [];
  for (const [name, batch] of batches) {
    const difference = batch.landed - batch.gold - batch.quarantined;
    batch.lost = Math.max(0, difference);
    batch.duplicates = Math.max(0, -difference);
    if (difference !== 0) unbalanced.push(name);
    const topic = (topics[batch.topic] ??= { landed: 0, gold: 0, quarantined: 0, lost: 0, duplicates: 0 });
    topic.landed += batch.landed;
    topic.gold += batch.gold;
    topic.quarantined += batch.quarantined;
    topic.lost += batch.lost;
    topic.duplicates += batch.duplicates;
  }

  const sourceOf = new Map((options.source?.partitions ?? []).map((offsets) => [tpKey(offsets.topic, offsets.partition), offsets]));
  for (const offsets of sourceOf.values()) factsOf(offsets.topic, offsets.partition);
  const coverage = [...partitions.values()]
    .map((facts) => coverageOf(facts.topic, facts.partition, facts, options.source ? sourceOf.get(tpKey(facts.topic, facts.partition)) ?? { topic: facts.topic, partition: facts.partition, start: 0, end: 0 } : undefined))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));

  // Summed per batch: a batch short of a row and another with one too many must not cancel out.
  const sum = (values: Iterable<number>): number => [...values].reduce((total, value) => total + value, 0);
  const lost = sum([...batches.values()].map((batch) => batch.lost)) + sum(coverage.map((partition) => sizeOf(partition.gaps)));
  return {
    topics,
    partitions: coverage,
    source: options.source?.source ?? 'landing',
    batches: batches.size,
    unbalanced,
    reasons,
    lost,
    pending: sum(coverage.map((partition) => sizeOf(partition.pending))),
    duplicates: sum([...batches.values()].map((batch) => batch.duplicates)),
    overlaps: sum(coverage.map((partition) => partition.overlaps)),
    unreadableOnFailure,
  };
};
