import { describe, expect, it } from 'vitest';
import { takeServeFlag } from '../../bin/cli/serve-flag.js';
import { UsageError } from '../../bin/cli/flags.js';
import { LiveMetrics } from '../../lambdas/local/live-metrics.js';
import { paced } from '../../lambdas/local/live-run.js';
import { startLiveServer } from '../../lambdas/local/live-server.js';
import type { LiveDocument } from '../../lambdas/local/live-dashboard.js';
import { operationsPage } from '../../lambdas/dashboard/pages/operations.js';

describe('--serve [PORT]', () => {
  it('takes an optional port: absent, bare (8080), followed by a port, or --serve=PORT', () => {
    expect(takeServeFlag(['--rate', '5'])).toEqual({ args: ['--rate', '5'], port: undefined });
    expect(takeServeFlag(['--serve', '--rate', '5'])).toEqual({ args: ['--rate', '5'], port: 8080 });
    expect(takeServeFlag(['--serve', '9000', '--json'])).toEqual({ args: ['--json'], port: 9000 });
    expect(takeServeFlag(['--serve=9001'])).toEqual({ args: [], port: 9001 });
    expect(() => takeServeFlag(['--serve=70000'])).toThrow(UsageError);
  });
});

describe('paced', () => {
  it('yields at the rate asked for, on the wall clock', async () => {
    const started = Date.now();
    const items: number[] = [];
    for await (const item of paced([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 50)) items.push(item);
    // 11 items at 50/s: the last is due 200 ms after the first
    expect(items).toHaveLength(11);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('stops when the signal aborts (Ctrl-C)', async () => {
    const stop = new AbortController();
    const items: number[] = [];
    for await (const item of paced([1, 2, 3, 4, 5], 1000, stop.signal)) {
      items.push(item);
      if (item === 2) stop.abort();
    }
    expect(items).toEqual([1, 2]);
  });
});

describe('LiveMetrics', () => {
  it('turns delivery rounds into throughput per topic, lag, batch latency and cycle freshness', () => {
    // Prepare: a clock the test moves
    let now = 1_000;
    const metrics = new LiveMetrics(() => now);
    const round = (at: number, produced: Record<string, number>, batchMs: number[], lag = 0) =>
      metrics.onRound({ at, produced, consumed: { in: 100, quarantined: 5 }, lag: [{ topic: 'user_events', partition: 0, records: lag }], batchMs });

    // Act
    round(1_000, { user_events: 0 }, []);
    round(2_000, { user_events: 200, transactions: 10 }, [10, 30, 20], 7);
    now = 2_500;
    const finish = metrics.startCycle();
    now = 4_000;
    finish({ filesLoaded: 3, rowsLoaded: 210 });
    const snapshot = metrics.snapshot();

    // Assess
    expect(snapshot.throughput.user_events).toEqual([[2_000, 200]]);
    expect(snapshot.throughput.transactions).toEqual([[2_000, 10]]);
    expect(snapshot.lag).toEqual([{ topic: 'user_events', partition: 0, records: 7 }]);
    expect(snapshot.batchLatency.median).toEqual([[2_000, 20]]);
    expect(snapshot.batchLatency.max).toEqual([[2_000, 30]]);
    // the first events were produced in the round that started at 1,000 and were visible at 4,000
    expect(snapshot.cycles).toEqual([{ startedAt: 2_500, endedAt: 4_000, filesLoaded: 3, rowsLoaded: 210, freshnessMs: 3_000 }]);
  });
});

describe('live server (node:http on 127.0.0.1)', () => {
  it('serves the page with its live script, the JSON update, and nothing else', async () => {
    // Prepare
    const document: LiveDocument = { version: 3, pages: [operationsPage(undefined)], subtitle: 'test', generatedAt: new Date('2025-01-01T00:00:00Z') };
    const server = await startLiveServer({ port: 0, current: () => document, echarts: '/* echarts */' });
    try {
      // Act
      const page = await fetch(server.url);
      const update = (await (await fetch(new URL('live.json', server.url))).json()) as { version: number; pages: { id: string; html: string }[] };
      const missing = await fetch(new URL('nope', server.url));
      const posted = await fetch(server.url, { method: 'POST' });

      // Assess
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
      const html = await page.text();
      expect(html).toContain('data-live-url="/live.json"');
      expect(html).toContain('id="operations"');
      expect(update.version).toBe(3);
      expect(update.pages.map((p) => p.id)).toEqual(['operations']);
      expect(update.pages[0]!.html).toContain('No live run here');
      expect(missing.status).toBe(404);
      expect(posted.status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
