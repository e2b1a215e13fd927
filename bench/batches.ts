/**
 * Realistic MSK batches for the benchmarks: generated events, delivered by the local event source
 * mapping at its largest batch size, so each invocation stops at the 6 MB payload cap as it does
 * in AWS under load.
 */
import type { MSKEvent } from 'aws-lambda';
import { DEFAULT_ESM_SETTINGS, EsmSimulator, invokingWith } from '../lambdas/local/esm-simulator.js';
import { TopicLog } from '../lambdas/local/topic-log.js';
import { generateEventStream } from '../lambdas/producer/event-stream.js';
import { eventWindow } from '../lambdas/producer/seasonality.js';
import { TOPICS } from '../lambdas/shared/contracts/events.js';
import type { ProducedMessage } from '../lambdas/shared/ports/event-publisher.js';

/** Fixed seed and window: every bench run sees the same events. */
export const BENCH_SEED = 42;
export const BENCH_UNTIL = '2026-01-01T00:00:00Z';

export interface BenchBatch {
  readonly topic: string;
  readonly event: MSKEvent;
  readonly records: number;
  /** Bytes of the invocation payload (the event as JSON), what the 6 MB cap counts. */
  readonly eventBytes: number;
  /** Bytes of the record values: the data itself, the denominator of every MB/s figure. */
  readonly valueBytes: number;
}

const recordsOf = (event: MSKEvent) => Object.values(event.records).flat();

const batchOf = (event: MSKEvent): BenchBatch => {
  const records = recordsOf(event);
  return {
    topic: records[0]!.topic,
    event,
    records: records.length,
    eventBytes: Buffer.byteLength(JSON.stringify(event)),
    valueBytes: records.reduce((sum, record) => sum + Buffer.byteLength(record.value, 'base64'), 0),
  };
};

/** Delivers messages through the simulator (one partition, largest batch size) and keeps the full batches. */
const deliverFullBatches = async (messages: readonly ProducedMessage[]): Promise<BenchBatch[]> => {
  const frozen = Date.parse(BENCH_UNTIL);
  const log = new TopicLog(1, () => frozen);
  await log.publish(messages);
  const events: MSKEvent[] = [];
  const esm = new EsmSimulator(
    log,
    invokingWith((event) => Promise.resolve(events.push(event))),
    () => Promise.reject(new Error('unreachable: the capture never fails')),
    { ...DEFAULT_ESM_SETTINGS, batchSize: 10_000 },
    () => frozen,
  );
  await esm.drain();
  const batches = events.map(batchOf);
  // The last batch of a topic is whatever was left over: not a full batch.
  return batches.filter((batch, index) => batches.slice(index + 1).some((later) => later.topic === batch.topic));
};

/**
 * Transactions are about 1 % of the stream, so a full batch of them would take a million generated
 * events. Instead the generated transactions are repeated under derived ids (`<id>-r<n>`), which
 * keeps their sizes, items and amounts and keeps every id unique in the batch.
 */
const repeatedTransactions = (transactions: readonly ProducedMessage[], count: number): ProducedMessage[] =>
  Array.from({ length: count }, (_, n) => {
    const source = transactions[n % transactions.length]!;
    const round = Math.floor(n / transactions.length);
    if (round === 0) return source;
    const value = JSON.parse(source.value!.toString('utf8')) as { transaction_id: string };
    value.transaction_id = `${value.transaction_id}-r${round}`;
    return { ...source, value: Buffer.from(JSON.stringify(value), 'utf8') };
  });

/**
 * About `userEventBatches` full `user_events` batches and one full `transactions` batch, each close
 * to the 6 MB cap (a little over 9,000 records).
 */
export const buildBenchBatches = async (userEventBatches: number): Promise<BenchBatch[]> => {
  const events = Math.ceil((userEventBatches + 1) * 9_600 * 1.02);
  const messages = [...generateEventStream({ events, seed: BENCH_SEED, window: eventWindow(new Date(BENCH_UNTIL)) })];
  const userEvents = messages.filter((message) => message.topic === TOPICS.userEvents);
  const transactions = messages.filter((message) => message.topic === TOPICS.transactions);
  const userBatches = (await deliverFullBatches(userEvents)).slice(0, userEventBatches);
  const transactionBatches = await deliverFullBatches(repeatedTransactions(transactions, 20_000));
  return [...userBatches, transactionBatches[0]!];
};
