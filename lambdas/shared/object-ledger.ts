/**
 * The ledger read from the objects themselves: for every batch, records landed must equal gold
 * rows plus quarantined records. Counting files, not trusting the writer's own tallies, is what
 * lets `streamflow report` say that nothing was lost.
 */
import { gunzipSync } from 'node:zlib';
import { parseBatchName } from '../consumer/object-keys.js';
import type { ObjectStore } from './ports/object-store.js';

export interface TopicLedger {
  landed: number;
  gold: number;
  quarantined: number;
  /** landed − gold − quarantined: zero unless records went missing. */
  lost: number;
}

export interface ObjectLedger {
  readonly topics: Record<string, TopicLedger>;
  readonly batches: number;
  /** Batches whose files do not add up, by batch name. */
  readonly unbalanced: string[];
  /** Quarantined records by their first reason code. */
  readonly reasons: Record<string, number>;
  readonly lost: number;
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

export const countObjectLedger = async (store: ObjectStore): Promise<ObjectLedger> => {
  const batches = new Map<string, TopicLedger & { topic: string }>();
  // Keyed by names read from object keys: no prototype, so a topic called `__proto__` is a topic.
  const reasons = Object.create(null) as Record<string, number>;
  const entry = (key: string) => {
    const name = batchOf(key);
    if (!name) return undefined;
    let ledger = batches.get(name);
    if (!ledger) {
      ledger = { topic: parseBatchName(key)!.topic, landed: 0, gold: 0, quarantined: 0, lost: 0 };
      batches.set(name, ledger);
    }
    return ledger;
  };

  const [landing, gold, quarantine] = await Promise.all([store.list('landing/'), store.list('gold/'), store.list('quarantine/')]);
  for (const object of landing) {
    const ledger = entry(object.key);
    if (ledger) ledger.landed += linesOf((await store.get(object.key))!).length;
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

  const topics = Object.create(null) as Record<string, TopicLedger>;
  const unbalanced: string[] = [];
  for (const [name, batch] of batches) {
    batch.lost = batch.landed - batch.gold - batch.quarantined;
    if (batch.lost !== 0) unbalanced.push(name);
    const topic = (topics[batch.topic] ??= { landed: 0, gold: 0, quarantined: 0, lost: 0 });
    topic.landed += batch.landed;
    topic.gold += batch.gold;
    topic.quarantined += batch.quarantined;
    topic.lost += batch.lost;
  }
  // Summed per batch: a batch short of a row and another with one too many must not cancel out.
  const lost = [...batches.values()].reduce((sum, batch) => sum + Math.abs(batch.lost), 0);
  return { topics, batches: batches.size, unbalanced, reasons, lost };
};
