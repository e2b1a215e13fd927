import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserEvent } from '../../lambdas/shared/contracts/events.js';
import { seededRandom } from '../../lambdas/producer/random-draws.js';
import { CUSTOMERS, PRODUCTS } from '../../lambdas/producer/reference-data.js';
import { generateSession } from '../../lambdas/producer/session.js';
import { userEventJson } from '../../lambdas/producer/user-event-json.js';

const START = Date.parse('2025-03-01T10:00:00Z');

describe('userEventJson', () => {
  it('writes exactly the text JSON.stringify writes, for the events of any session', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const { draws } = seededRandom(seed);
        const { events } = generateSession({ draws, customer: CUSTOMERS[seed % CUSTOMERS.length]!, products: PRODUCTS, start: START, end: START + 86_400_000 });
        for (const event of events) expect(userEventJson(event)).toBe(JSON.stringify(event));
      }),
      { numRuns: 500 },
    );
  });

  it('escapes the text fields that come from reference data, and writes missing ones as null', () => {
    // Prepare: a search for a text JSON must escape
    const event: UserEvent = {
      event_id: 'e1',
      user_id: 'USR-00001',
      session_id: 's1',
      event_type: 'search',
      event_ts: '2025-03-01T10:00:05.000Z',
      page_url: '/search?q=%22quoted%22',
      product_id: undefined,
      search_query: 'say "hi"\\\n\u2028é',
      transaction_id: null,
      device_type: 'mobile',
      browser: 'chrome',
      operating_system: 'android',
      referrer: 'google',
    };

    // Act
    const text = userEventJson(event);

    // Assess
    expect(JSON.parse(text)).toEqual({ ...event, product_id: null });
    expect(text).toBe(JSON.stringify({ ...event, product_id: null }));
  });
});
