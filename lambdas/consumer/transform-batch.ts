/**
 * The consumer's pure core: one partition batch in, the lines of its landing, gold and quarantine
 * files out, with the ledger `in = gold + quarantined`. No I/O, so the Lambda, the local twin and
 * `streamflow replay` all run exactly this: the handler streams the lines into gzip as they come
 * ({@link BatchTransformer}), tools and tests take the files as text ({@link transformBatch}).
 */
import { csvHeader, csvRow } from '../shared/csv.js';
import { TOPIC_ID_FIELD } from '../shared/contracts/events.js';
import { GOLD_TABLE_BY_TOPIC, type GoldTable, type Sourced } from '../shared/contracts/tables.js';
import type { ReferenceCatalog } from '../shared/reference-catalog.js';
import { landingJson, valueText, type KafkaRecord, type PartitionBatch } from './kafka-record.js';
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

/** Where a batch's text goes, line by line; each line is written without its line break. */
export interface LineSink {
  line(text: string): void;
}

/**
 * The outputs of one batch. Gold and quarantine sinks are asked for on their first line, so a batch
 * with no valid (or no rejected) record makes no gold (or quarantine) file.
 */
export interface BatchSinks {
  readonly landing: LineSink;
  readonly gold: (table: string) => LineSink;
  readonly quarantine: () => LineSink;
}

/** The landing line with the reasons appended: `JSON.stringify({ ...toLandingLine(record), reasons })`. */
const quarantineLine = (landing: string, reasons: readonly Reason[]): string => `${landing.slice(0, -1)},"reasons":${JSON.stringify(reasons)}}`;

/**
 * Transforms a batch into its sinks, one record at a time, keeping its ledger. Each record's text
 * goes out as soon as it is made, so a batch never holds all its lines at once, and a caller can
 * let other work run between records (the handler lets zlib compress what is already written).
 */
export class BatchTransformer {
  private gold = 0;
  private quarantined = 0;
  private goldSink: LineSink | undefined;
  private quarantineSink: LineSink | undefined;
  private readonly reasonCounts: Partial<Record<ReasonCode, number>> = {};
  private readonly seenIds = new Set<string>();
  /** Widened once: the verdict guarantees each value matches the table of its topic. */
  private readonly table: GoldTable<unknown> | undefined;

  constructor(
    private readonly batch: PartitionBatch,
    private readonly catalog: ReferenceCatalog,
    private readonly sinks: BatchSinks,
  ) {
    this.table = GOLD_TABLE_BY_TOPIC[batch.topic as keyof typeof GOLD_TABLE_BY_TOPIC] as GoldTable<unknown> | undefined;
  }

  /** Transforms the batch's next record (records come in the batch's order). */
  add(record: KafkaRecord): void {
    const text = valueText(record);
    const landing = landingJson(record, text);
    this.sinks.landing.line(landing);
    let verdict = validateRecord(record, this.catalog, text);
    if (verdict.ok) {
      const id = (verdict.value as unknown as Record<string, string>)[TOPIC_ID_FIELD[verdict.topic]]!;
      if (this.seenIds.has(id)) {
        verdict = { ok: false, reasons: [{ code: 'duplicate_in_batch', detail: `${TOPIC_ID_FIELD[verdict.topic]} ${id} already in this batch` }] };
      } else {
        this.seenIds.add(id);
      }
    }
    if (verdict.ok && this.table) {
      if (!this.goldSink) {
        this.goldSink = this.sinks.gold(this.table.name);
        this.goldSink.line(csvHeader(this.table.columns));
      }
      const sourced: Sourced<unknown> = { value: verdict.value, kafka: record };
      this.goldSink.line(csvRow(this.table.columns, sourced));
      this.gold++;
    } else if (!verdict.ok) {
      this.quarantineSink ??= this.sinks.quarantine();
      this.quarantineSink.line(quarantineLine(landing, verdict.reasons));
      this.quarantined++;
      // A record counts once, under its first reason, so reason counts add up to `quarantined`.
      const code = verdict.reasons[0]!.code;
      this.reasonCounts[code] = (this.reasonCounts[code] ?? 0) + 1;
    }
  }

  /** The ledger of the whole batch, once every record was added. */
  ledger(): BatchLedger {
    const { batch } = this;
    return {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: batch.records[0]!.offset,
      lastOffset: batch.records[batch.records.length - 1]!.offset,
      in: batch.records.length,
      gold: this.gold,
      quarantined: this.quarantined,
      reasons: this.reasonCounts,
    };
  }
}

/** Collects lines into the text of a file (every line ends with a line break). */
class TextLines implements LineSink {
  private readonly lines: string[] = [];
  line(text: string): void {
    this.lines.push(text);
  }
  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** The batch's files as text, for callers that want them whole (tests, tools). */
export const transformBatch = (batch: PartitionBatch, catalog: ReferenceCatalog): TransformedBatch => {
  const landing = new TextLines();
  const goldLines = new Map<string, TextLines>();
  let quarantine: TextLines | undefined;
  const transformer = new BatchTransformer(batch, catalog, {
    landing,
    gold: (table) => {
      const lines = new TextLines();
      goldLines.set(table, lines);
      return lines;
    },
    quarantine: () => (quarantine = new TextLines()),
  });
  for (const record of batch.records) transformer.add(record);
  const ledger = transformer.ledger();
  return {
    landing: landing.text(),
    gold: new Map([...goldLines].map(([table, lines]) => [table, lines.text()])),
    quarantine: quarantine?.text(),
    ledger,
  };
};
