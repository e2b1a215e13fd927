/**
 * Text with control characters, through the consumer's own writer and the loader into Bronze on
 * DuckDB: every record either reaches Bronze with its text unchanged (tab, LF and CR included) or
 * is quarantined as `control_character`, naming the field. Never altered, never lost.
 */
import '../support/quiet-powertools.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from '../../lambdas/consumer/consume-event.js';
import { runLoader } from '../../lambdas/loader/run-loader.js';
import { CONTROL_CHARACTER } from '../../lambdas/shared/contracts/tables.js';
import { logger } from '../../lambdas/shared/powertools.js';
import { REFERENCE_CATALOG } from '../support/arbitraries.js';
import { gunzipText, ndjsonLines, snapshotStore } from '../support/files.js';
import { BROKER_TIME, partitionBatch } from '../support/msk-event.js';
import { openWarehouseFixture, putReferenceData, userEvent, type WarehouseFixture } from '../support/warehouse-fixtures.js';

let fixture: WarehouseFixture;
let batches = 0;

beforeAll(async () => {
  fixture = await openWarehouseFixture('control-characters');
  await putReferenceData(fixture.store);
});

afterAll(async () => {
  await fixture.close();
});

/** Any text, half of it drawn mostly from the characters that matter here: every C0 control, quotes, commas. */
const textArb = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  fc.string({ unit: fc.oneof(fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)), fc.constantFrom('a', '"', ',', ' ', '\u007f')), minLength: 1, maxLength: 12 }),
);

interface Sent {
  readonly id: string;
  readonly page_url: string;
  readonly search_query: string;
  readonly key: string;
}

interface QuarantineLine {
  readonly value: string;
  readonly reasons: readonly { readonly code: string; readonly field?: string }[];
}

describe('text with control characters, consumer to Bronze (against DuckDB)', () => {
  it('lands in Bronze unchanged, or is quarantined as control_character naming its field (its Bronze quarantine row as base64), for any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ page_url: textArb, search_query: textArb, key: textArb }), { minLength: 1, maxLength: 20 }), async (specs) => {
        // Prepare: one batch of search events, each text in page_url, search_query and the Kafka key.
        const batch = ++batches;
        const sent: Sent[] = specs.map((spec, index) => ({ id: `E-${batch}-${index}`, ...spec }));
        const firstOffset = batch * 100;
        const records = sent.map((one, index) => ({
          value: userEvent(one.id, 0, { event_type: 'search', page_url: one.page_url, search_query: one.search_query }),
          offset: firstOffset + index,
          timestamp: BROKER_TIME,
          key: one.key,
        }));

        // Act
        await writeBatch(fixture.store, partitionBatch('user_events', records, 0), REFERENCE_CATALOG);
        await runLoader({ kind: 'pending' }, { store: fixture.store, warehouse: fixture.warehouse, logger });

        // Assess
        const bronze = await fixture.warehouse.query<{ event_id: string; page_url: string; search_query: string; kafka_key: string }>(
          'select event_id, page_url, search_query, kafka_key from bronze.raw_user_events where kafka_offset between ? and ?',
          [firstOffset, firstOffset + sent.length - 1],
        );
        const bronzeQuarantine = await fixture.warehouse.query<{ kafka_key: string | null; value: string | null; value_base64: string | null }>(
          'select kafka_key, value, value_base64 from bronze.raw_quarantine where kafka_offset between ? and ? order by kafka_offset',
          [firstOffset, firstOffset + sent.length - 1],
        );
        const quarantined = [...(await snapshotStore(fixture.store, 'quarantine/')).entries()]
          .filter(([key]) => key.includes(`+${firstOffset}-`))
          .flatMap(([, body]) => ndjsonLines(gunzipText(body)) as QuarantineLine[]);
        expect(bronze.length + quarantined.length).toBe(sent.length);
        for (const one of sent) {
          const fields = { kafka_key: one.key, page_url: one.page_url, search_query: one.search_query };
          const offending = Object.entries(fields).find(([, text]) => CONTROL_CHARACTER.test(text));
          const row = bronze.find((candidate) => candidate.event_id === one.id);
          if (offending === undefined) {
            expect(row).toEqual({ event_id: one.id, ...fields });
          } else {
            expect(row).toBeUndefined();
            const line = quarantined.find((candidate) => candidate.value.includes(`"${one.id}"`));
            expect(line?.reasons[0]).toMatchObject({ code: 'control_character', field: offending[0] });
          }
        }
        // Bronze's quarantine table holds such text as base64 (and such a key as NULL), never raw.
        expect(bronzeQuarantine).toHaveLength(quarantined.length);
        for (const [index, row] of bronzeQuarantine.entries()) {
          const line = quarantined[index]! as QuarantineLine & { key: string };
          expect(row.value === null ? Buffer.from(row.value_base64!, 'base64').toString('utf8') : row.value).toBe(line.value);
          expect(row.kafka_key).toBe(CONTROL_CHARACTER.test(line.key) ? null : line.key);
          expect([row.value, row.kafka_key].some((text) => text !== null && CONTROL_CHARACTER.test(text))).toBe(false);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
