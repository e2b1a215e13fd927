/**
 * Demo traffic: `events` generated messages with event times in the last `windowMinutes`,
 * published in batches. Each run draws a different seed (the minute it runs in), so scheduled runs
 * add new customers' sessions rather than replaying the same ones.
 */
import type { EventPublisher, ProducedMessage } from '../shared/ports/event-publisher.js';
import { generateEventStream } from './event-stream.js';
import type { EventWindow } from './seasonality.js';

/** Messages per produce request: large enough to batch well, small enough for MSK's request cap. */
export const PUBLISH_BATCH = 500;

export interface DemoTrafficOptions {
  readonly events: number;
  readonly windowMinutes: number;
  readonly dirtyRate: number;
  readonly now: Date;
  /** @default the minute of `now` since the epoch */
  readonly seed?: number;
}

export interface DemoTrafficSummary {
  readonly published: number;
  readonly byTopic: Readonly<Record<string, number>>;
  readonly seed: number;
  readonly window: { readonly start: string; readonly end: string };
}

/** The last `minutes` minutes up to `now`: event times fall inside, none in the future. */
export const recentWindow = (now: Date, minutes: number): EventWindow => ({ start: new Date(now.getTime() - minutes * 60_000), end: now });

/** Sends `messages` in batches of `batchSize`; a failed batch stops the run and is rethrown. */
export const publishInBatches = async (publisher: EventPublisher, messages: Iterable<ProducedMessage>, batchSize = PUBLISH_BATCH): Promise<Record<string, number>> => {
  const byTopic: Record<string, number> = {};
  let batch: ProducedMessage[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await publisher.publish(batch);
    for (const message of batch) byTopic[message.topic] = (byTopic[message.topic] ?? 0) + 1;
    batch = [];
  };
  for (const message of messages) {
    batch.push(message);
    if (batch.length === batchSize) await flush();
  }
  await flush();
  return byTopic;
};

export const publishDemoTraffic = async (publisher: EventPublisher, options: DemoTrafficOptions): Promise<DemoTrafficSummary> => {
  const seed = options.seed ?? Math.floor(options.now.getTime() / 60_000) % 2 ** 31;
  const window = recentWindow(options.now, options.windowMinutes);
  const byTopic = await publishInBatches(publisher, generateEventStream({ events: options.events, seed, window, dirtyRate: options.dirtyRate }));
  return {
    published: Object.values(byTopic).reduce((sum, count) => sum + count, 0),
    byTopic,
    seed,
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
  };
};
