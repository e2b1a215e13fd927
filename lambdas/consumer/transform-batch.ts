/**
 * The consumer's pure core: one partition batch in, the contents of its landing, gold and
 * quarantine files out, with the ledger `in = gold + quarantined`. No I/O, so the Lambda,
 * the local twin and `streamflow replay` all run exactly this.
 */
import { csvHeader, csvRow } from '../shared/csv.js';
import { TOPIC_ID_FIELD } from '../shared/contracts/events.js';
import { GOLD_TABLE_BY_TOPIC, type GoldTable, type Sourced } from '../shared/contracts/tables.js';
import type { ReferenceCatalog } from '../shared/reference-catalog.js';
import { toLandingLine, type KafkaRecord, type PartitionBatch } from './kafka-record.js';
import type { Reason, ReasonCode } from './reasons.js';
import { validateRecord } from './validate-record.js';

export interface BatchLedger {
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly in: number;
  readonly gold: number;
  readonly quarantined: number;
  readonly reasons: Partial<Record<ReasonCode, number>>;
}

export interface TransformedBatch {
  /** NDJSON text of every record (the replayable raw copy). */
  readonly landing: string;
  /** CSV text with header per gold table that received rows. */
  readonly gold: ReadonlyMap<string, string>;
  /** NDJSON text of rejected records with their reasons, or `undefined` when none. */
  readonly quarantine: string | undefined;
  readonly ledger: BatchLedger;
}

const quarantineLine = (record: KafkaRecord, reasons: readonly Reason[]): string =>
  JSON.stringify({ ...toLandingLine(record), reasons });

export const transformBatch = (batch: PartitionBatch, catalog: ReferenceCatalog): TransformedBatch => {
  const landing: string[] = [];
  const goldRows: string[] = [];
  const quarantine: string[] = [];
  const reasonCounts: Partial<Record<ReasonCode, number>> = {};
  const seenIds = new Set<string>();
  // Widened once: the verdict guarantees each value matches the table of its topic.
  const table = GOLD_TABLE_BY_TOPIC[batch.topic as keyof typeof GOLD_TABLE_BY_TOPIC] as GoldTable<unknown> | undefined;

  for (const record of batch.records) {
    landing.push(JSON.stringify(toLandingLine(record)));
    let verdict = validateRecord(record, catalog);
    if (verdict.ok) {
      const id = (verdict.value as unknown as Record<string, string>)[TOPIC_ID_FIELD[verdict.topic]]!;
      if (seenIds.has(id)) {
        verdict = { ok: false, reasons: [{ code: 'duplicate_in_batch', detail: `${TOPIC_ID_FIELD[verdict.topic]} ${id} already in this batch` }] };
      } else {
        seenIds.add(id);
      }
    }
    if (verdict.ok && table) {
      const sourced: Sourced<unknown> = { value: verdict.value, kafka: record };
      goldRows.push(csvRow(table.columns, sourced));
    } else if (!verdict.ok) {
      quarantine.push(quarantineLine(record, verdict.reasons));
      // A record counts once, under its first reason, so reason counts add up to `quarantined`.
      const code = verdict.reasons[0]!.code;
      reasonCounts[code] = (reasonCounts[code] ?? 0) + 1;
    }
  }

  const gold = new Map<string, string>();
  if (table && goldRows.length > 0) gold.set(table.name, `${csvHeader(table.columns)}\n${goldRows.join('\n')}\n`);

  return {
    landing: `${landing.join('\n')}\n`,
    gold,
    quarantine: quarantine.length > 0 ? `${quarantine.join('\n')}\n` : undefined,
    ledger: {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: batch.records[0]!.offset,
      lastOffset: batch.records[batch.records.length - 1]!.offset,
      in: batch.records.length,
      gold: goldRows.length,
      quarantined: quarantine.length,
      reasons: reasonCounts,
    },
  };
};
