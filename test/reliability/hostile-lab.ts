/**
 * Replays a hostile corpus through `streamflow run --input` (a child process, as a user runs it)
 * and checks what became of every line: in gold (and Bronze, text exactly as sent) or in
 * quarantine with a reason, loading never failing on content, the report saying nothing was lost.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { REASON_CODES } from '../../lambdas/consumer/reasons.js';
import { DuckDbWarehouse } from '../../lambdas/shared/adapters/duckdb-warehouse.js';
import type { CorpusLine } from '../support/hostile-corpus.js';
import { duplicateRows } from '../support/local-twin.js';
import { streamflowCli } from '../support/pipeline-run.js';
import { filesUnder, gunzipFile, linesOf } from '../support/run-files.js';

export const HOSTILE_UNTIL = '2025-06-15T12:00:00Z';

const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex').toUpperCase();

interface QuarantinedRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly reasons: readonly { readonly code: string; readonly detail: string }[];
}

interface RunJson {
  readonly ingest: { readonly failedBatches: number };
  readonly warehouse: { readonly files: { readonly failed: number; readonly rejected: readonly unknown[] } };
  readonly ledger: {
    readonly lost: number;
    readonly lostInWarehouse: number;
    readonly verdict: string;
    readonly topics: Record<string, { in: number; gold: number; quarantined: number; lost: number }>;
  };
}

export interface HostileFigures {
  readonly lines: number;
  readonly recordsIn: number;
  readonly gold: number;
  readonly quarantined: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly rejectedFiles: number;
  readonly seconds: number;
}

/**
 * Writes the corpus (with CRLF line ends and blank lines here and there, as edited files have them),
 * runs it, and asserts every line's fate. `dir` must not exist yet.
 */
export const runHostileCorpus = async (corpus: readonly CorpusLine[], dir: string, batchSize: number): Promise<HostileFigures> => {
  const input = `${dir}.ndjson`;
  await writeFile(input, Buffer.concat(corpus.flatMap(({ line }, index) => [line, Buffer.from(index % 7 === 0 ? '\r\n\n' : '\n')])));

  const started = performance.now();
  const result = await streamflowCli('run', '--input', input, '--out', dir, '--until', HOSTILE_UNTIL, '--batch-size', String(batchSize), '--json');
  const seconds = (performance.now() - started) / 1000;

  // No crash, nothing lost, no file the loader refused.
  expect(result.stderr).not.toMatch(/streamflow:/);
  expect(result.code).toBe(0);
  const run = JSON.parse(result.stdout) as RunJson;
  expect(run.ledger).toMatchObject({ lost: 0, lostInWarehouse: 0 });
  expect(run.warehouse.files).toMatchObject({ failed: 0, rejected: [] });
  expect(run.ingest.failedBatches).toBe(0);
  const topics = Object.values(run.ledger.topics);
  const recordsIn = topics.reduce((sum, topic) => sum + topic.in, 0);
  const gold = topics.reduce((sum, topic) => sum + topic.gold, 0);
  const quarantined = topics.reduce((sum, topic) => sum + topic.quarantined, 0);
  expect(recordsIn).toBe(corpus.length);
  expect(gold + quarantined).toBe(recordsIn);

  // Every quarantined record carries reasons with a known code and a detail.
  const quarantine: QuarantinedRecord[] = [];
  for (const path of await filesUnder(dir, 'quarantine')) {
    for (const line of linesOf(await gunzipFile(dir, path))) quarantine.push(JSON.parse(line) as QuarantinedRecord);
  }
  expect(quarantine).toHaveLength(quarantined);
  const badReasons = quarantine.filter(
    (record) =>
      record.reasons.length === 0 ||
      record.reasons.some((reason) => !(REASON_CODES as readonly string[]).includes(reason.code) || typeof reason.detail !== 'string' || reason.detail === ''),
  );
  expect(badReasons).toEqual([]);
  const quarantinedByKey = new Map(quarantine.filter((record) => record.key !== null).map((record) => [record.key!, record]));

  const warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'));
  try {
    // Text compared as UTF-8 hex: @duckdb/node-api drops a leading U+FEFF when it hands a VARCHAR to JavaScript.
    const events = await warehouse.query<{ kafka_key: string; event_id: string; page_url: string; search_query: string | null; event_ts: string }>(
      `select hex(encode(kafka_key)) as kafka_key, event_id, hex(encode(page_url)) as page_url, hex(encode(search_query)) as search_query, event_ts
       from bronze.raw_user_events`,
    );
    const transactions = await warehouse.query<{ kafka_key: string; transaction_id: string }>(
      'select hex(encode(kafka_key)) as kafka_key, transaction_id from bronze.raw_transactions',
    );
    const [bronzeQuarantine] = await warehouse.query<{ n: number }>('select count(*) as n from bronze.raw_quarantine');
    expect(events.length + transactions.length).toBe(gold);
    expect(bronzeQuarantine!.n).toBe(quarantined);
    const goldByKey = new Map<string, Record<string, string | null>>([
      ...events.map((row) => [row.kafka_key, { ...row, id: row.event_id }] as const),
      ...transactions.map((row) => [row.kafka_key, { ...row, id: row.transaction_id }] as const),
    ]);

    // Each keyed line where it must be; the unreadable ones as invalid input lines.
    const wrong: string[] = [];
    for (const { kind, key, expect: expected } of corpus) {
      if (key === undefined) continue;
      const row = goldByKey.get(hex(key));
      const rejected = quarantinedByKey.get(key);
      const where = `${kind} (key ${key.slice(0, 40)})`;
      if (expected.fate === 'gold') {
        if (!row || row.id !== expected.id) wrong.push(`${where}: not in Bronze${rejected ? `, quarantined as ${rejected.reasons[0]!.code}: ${rejected.reasons[0]!.detail}` : ''}`);
        else {
          for (const [field, value] of Object.entries(expected.fields)) {
            const want = field === 'event_ts' || value === null ? value : hex(value);
            if (row[field] !== want) wrong.push(`${where}: ${field} is ${String(row[field]).slice(0, 80)}, expected ${String(want).slice(0, 80)}`);
          }
        }
      } else if (expected.fate === 'quarantine') {
        if (row) wrong.push(`${where}: in Bronze, expected quarantined as ${expected.codes.join('|')}`);
        else if (!rejected || !expected.codes.includes(rejected.reasons[0]!.code as never)) wrong.push(`${where}: quarantined as ${rejected?.reasons[0]?.code ?? 'nothing'}, expected ${expected.codes.join('|')}`);
      } else if (!(row?.id === expected.id || rejected?.reasons[0]?.code === 'duplicate_in_batch')) {
        wrong.push(`${where}: a duplicate neither in Bronze nor quarantined as duplicate_in_batch`);
      }
    }
    expect(wrong).toEqual([]);
    const unreadable = corpus.filter((line) => line.key === undefined).length;
    expect(quarantine.filter((record) => record.topic === 'streamflow.invalid_input' && record.reasons[0]!.code === 'invalid_input_line')).toHaveLength(unreadable);

    // Duplicate ids reach Silver once.
    const duplicates = await duplicateRows(warehouse);
    expect(duplicates).toBe(0);
    return { lines: corpus.length, recordsIn, gold, quarantined, lost: run.ledger.lost + run.ledger.lostInWarehouse, duplicates, rejectedFiles: run.warehouse.files.failed, seconds };
  } finally {
    await warehouse.close();
  }
};
