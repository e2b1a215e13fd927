/**
 * Bench 3, freshness: a steady stream of events stamped with the live clock, and for each one the
 * delay from its event time to the moment its row is visible in gold.fact_user_activity or
 * gold.fact_transactions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ESM_SETTINGS } from '../lambdas/local/esm-simulator.js';
import { generateEventStream } from '../lambdas/producer/event-stream.js';
import { eventWindow } from '../lambdas/producer/seasonality.js';
import { TOPICS } from '../lambdas/shared/contracts/events.js';
import type { ProducedMessage } from '../lambdas/shared/ports/event-publisher.js';
import { BENCH_SEED } from './batches.js';
import { median, percentile, round, sleep } from './measure.js';
import { startStreamLoop } from './stream-loop.js';

export interface FreshnessResult {
  readonly targetEventsPerSec: number;
  readonly achievedEventsPerSec: number;
  readonly streamSeconds: number;
  readonly batchingWindowMs: number;
  readonly partitionsPerTopic: number;
  readonly produced: number;
  /** Events whose row was seen in Gold (the others were still on their way when the bench gave up). */
  readonly measured: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly byTable: Record<string, { readonly rows: number; readonly p50Ms: number; readonly p95Ms: number }>;
  /** Loader tick + the refresh it triggered, one round (ticks that loaded nothing are not counted). */
  readonly warehouseCycles: number;
  readonly cycleP50Ms: number;
  readonly cycleP95Ms: number;
  /** One-minute load average when the stream started and ended. */
  readonly loadavg: readonly [number, number];
}

const FACT_OF_TOPIC: Record<string, string> = { [TOPICS.userEvents]: 'fact_user_activity', [TOPICS.transactions]: 'fact_transactions' };

/** The generator's event, re-stamped as happening now (event time and broker time alike). */
const happeningNow = (message: ProducedMessage, now: number): { message: ProducedMessage; id: string } => {
  const value = JSON.parse(message.value!.toString('utf8')) as { event_ts: string; event_id?: string; transaction_id: string };
  value.event_ts = new Date(now).toISOString();
  const id = message.topic === TOPICS.userEvents ? value.event_id! : value.transaction_id;
  return { message: { ...message, value: Buffer.from(JSON.stringify(value), 'utf8'), timestamp: now }, id };
};

const sqlTimestamp = (ms: number): string => `timestamp '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;

export const benchFreshness = async (options: {
  readonly quick: boolean;
  readonly eventsPerSec: number;
  readonly log: (line: string) => void;
}): Promise<FreshnessResult> => {
  const streamMs = options.quick ? 20_000 : 60_000;
  const rate = options.eventsPerSec;
  const partitions = 3;
  const esm = DEFAULT_ESM_SETTINGS;
  const dir = await mkdtemp(join(tmpdir(), 'streamflow-bench-stream-'));
  const pending = new Map<string, { table: string; eventTime: number }>();
  const delays: Record<string, number[]> = { fact_user_activity: [], fact_transactions: [] };
  const cycles: number[] = [];

  const loop = await startStreamLoop({
    dir,
    partitions,
    esm,
    pollEveryMs: 100,
    // Ticks cheap when nothing is pending (a listing), so often: the refresh waits for rows, not the clock.
    tickEveryMs: 200,
    onCycle: async ({ goldVisibleAt, ms, query }) => {
      cycles.push(ms);
      if (pending.size === 0) return;
      const oldest = Math.min(...[...pending.values()].map((entry) => entry.eventTime));
      const rows = await query<{ id: string }>(
        `select event_id as id from gold.fact_user_activity where event_ts >= ${sqlTimestamp(oldest)}
         union all
         select distinct transaction_id as id from gold.fact_transactions where event_ts >= ${sqlTimestamp(oldest)}`,
      );
      for (const { id } of rows) {
        const entry = pending.get(id);
        if (!entry) continue;
        delays[entry.table]!.push(goldVisibleAt - entry.eventTime);
        pending.delete(id);
      }
    },
  });

  options.log(`freshness: ${rate.toLocaleString('en-US')} events/s for ${streamMs / 1000} s`);
  const source = generateEventStream({ events: Math.ceil((rate * streamMs) / 1000), seed: BENCH_SEED, window: eventWindow(new Date(), 30) });
  const loadBefore = round(loadavg()[0]!, 2);
  const started = Date.now();
  let produced = 0;
  let exhausted = false;
  while (!exhausted && Date.now() - started < streamMs) {
    const now = Date.now();
    const due = Math.floor((rate * (now - started)) / 1000) - produced;
    const messages: ProducedMessage[] = [];
    for (let i = 0; i < due; i++) {
      const next = source.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const { message, id } = happeningNow(next.value, now);
      pending.set(id, { table: FACT_OF_TOPIC[message.topic]!, eventTime: now });
      messages.push(message);
    }
    await loop.publish(messages);
    produced += messages.length;
    await sleep(20);
  }
  const streamedMs = Date.now() - started;
  // Let the last events arrive: a batching window, a cycle, with room to spare.
  const deadline = Date.now() + 30_000;
  while (pending.size > 0 && Date.now() < deadline) await sleep(200);
  await loop.stop();
  await rm(dir, { recursive: true, force: true });

  const all = Object.values(delays).flat();
  return {
    targetEventsPerSec: rate,
    achievedEventsPerSec: Math.round(produced / (streamedMs / 1000)),
    streamSeconds: round(streamedMs / 1000),
    batchingWindowMs: esm.batchingWindowMs,
    partitionsPerTopic: partitions,
    produced,
    measured: all.length,
    p50Ms: Math.round(percentile(all, 50)),
    p95Ms: Math.round(percentile(all, 95)),
    maxMs: Math.round(Math.max(...all)),
    byTable: Object.fromEntries(
      Object.entries(delays).map(([table, values]) => [table, { rows: values.length, p50Ms: Math.round(percentile(values, 50)), p95Ms: Math.round(percentile(values, 95)) }]),
    ),
    warehouseCycles: cycles.length,
    cycleP50Ms: Math.round(median(cycles)),
    cycleP95Ms: Math.round(percentile(cycles, 95)),
    loadavg: [loadBefore, round(loadavg()[0]!, 2)],
  };
};
