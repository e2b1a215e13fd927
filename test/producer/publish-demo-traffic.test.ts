import { describe, expect, it, vi } from 'vitest';
import { PUBLISH_BATCH, publishDemoTraffic, publishInBatches, recentWindow } from '../../lambdas/producer/publish-demo-traffic.js';
import type { EventPublisher, ProducedMessage } from '../../lambdas/shared/ports/event-publisher.js';

/** A publisher that keeps every batch it is given. */
const recordingPublisher = () => {
  const batches: ProducedMessage[][] = [];
  const publisher: EventPublisher = {
    publish: vi.fn((messages: readonly ProducedMessage[]) => {
      batches.push([...messages]);
      return Promise.resolve();
    }),
    close: vi.fn(() => Promise.resolve()),
  };
  return { publisher, batches };
};

const message = (topic: string, i: number): ProducedMessage => ({ topic, key: `k${i}`, value: Buffer.from('{}'), timestamp: i });

describe('publishInBatches', () => {
  it('sends full batches and then the rest, and counts per topic', async () => {
    // Prepare
    const { publisher, batches } = recordingPublisher();
    const messages = Array.from({ length: 2 * PUBLISH_BATCH + 3 }, (_, i) => message(i % 2 === 0 ? 'user_events' : 'transactions', i));

    // Act
    const byTopic = await publishInBatches(publisher, messages);

    // Assess
    expect(batches.map((batch) => batch.length)).toEqual([PUBLISH_BATCH, PUBLISH_BATCH, 3]);
    expect(byTopic).toEqual({ user_events: PUBLISH_BATCH + 2, transactions: PUBLISH_BATCH + 1 });
  });

  it('sends nothing for no messages', async () => {
    // Prepare
    const { publisher, batches } = recordingPublisher();

    // Act
    const byTopic = await publishInBatches(publisher, []);

    // Assess
    expect(batches).toEqual([]);
    expect(byTopic).toEqual({});
  });
});

describe('publishDemoTraffic', () => {
  const now = new Date('2026-03-10T14:00:00Z');

  it('publishes exactly the asked number of events, all inside the recent window', async () => {
    // Prepare
    const { publisher, batches } = recordingPublisher();

    // Act
    const summary = await publishDemoTraffic(publisher, { events: 1200, windowMinutes: 5, dirtyRate: 0, now });

    // Assess
    const sent = batches.flat();
    expect(sent).toHaveLength(1200);
    expect(summary.published).toBe(1200);
    expect(Math.min(...sent.map((m) => m.timestamp))).toBeGreaterThanOrEqual(now.getTime() - 5 * 60_000);
    expect(Math.max(...sent.map((m) => m.timestamp))).toBeLessThanOrEqual(now.getTime());
    expect(summary.window).toEqual({ start: '2026-03-10T13:55:00.000Z', end: '2026-03-10T14:00:00.000Z' });
  });

  it('draws a new seed each minute, so consecutive scheduled runs differ', async () => {
    // Prepare
    const first = recordingPublisher();
    const second = recordingPublisher();

    // Act
    const a = await publishDemoTraffic(first.publisher, { events: 20, windowMinutes: 5, dirtyRate: 0, now });
    const b = await publishDemoTraffic(second.publisher, { events: 20, windowMinutes: 5, dirtyRate: 0, now: new Date(now.getTime() + 60_000) });

    // Assess
    expect(a.seed).not.toBe(b.seed);
    expect(first.batches.flat().map((m) => m.key)).not.toEqual(second.batches.flat().map((m) => m.key));
  });

  it('repeats itself for a given seed', async () => {
    // Prepare
    const first = recordingPublisher();
    const second = recordingPublisher();

    // Act
    await publishDemoTraffic(first.publisher, { events: 50, windowMinutes: 5, dirtyRate: 0.2, now, seed: 9 });
    await publishDemoTraffic(second.publisher, { events: 50, windowMinutes: 5, dirtyRate: 0.2, now, seed: 9 });

    // Assess
    expect(first.batches).toEqual(second.batches);
  });
});

describe('recentWindow', () => {
  it('ends at now and starts the given minutes before', () => {
    // Act
    const window = recentWindow(new Date('2026-03-10T00:02:00Z'), 5);

    // Assess
    expect(window).toEqual({ start: new Date('2026-03-09T23:57:00Z'), end: new Date('2026-03-10T00:02:00Z') });
  });
});
