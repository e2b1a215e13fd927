import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { transactionSchema, userEventSchema } from '../../lambdas/shared/contracts/events.js';
import { CUSTOMERS, PRODUCTS } from '../../lambdas/producer/reference-data.js';
import { seededRandom } from '../../lambdas/producer/random-draws.js';
import { generateSession, type SessionContext, type SessionOutput } from '../../lambdas/producer/session.js';

const START = Date.parse('2025-03-01T10:00:00Z');

const sessionFor = (seed: number, end = START + 86_400_000): { ctx: SessionContext; session: SessionOutput } => {
  const ctx: SessionContext = { draws: seededRandom(seed).draws, customer: CUSTOMERS[seed % CUSTOMERS.length]!, products: PRODUCTS, start: START, end };
  return { ctx, session: generateSession(ctx) };
};

describe('generateSession', () => {
  /** Sessions of 3,000 seeds: enough for about 150 transactions. */
  let sample: ReturnType<typeof sessionFor>[];
  beforeAll(() => {
    sample = Array.from({ length: 3_000 }, (_, seed) => sessionFor(seed));
  });

  it('emits contract-valid events of one user and one session, in time order after the start', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const { ctx, session } = sessionFor(seed);
        const times = session.events.map((event) => Date.parse(event.event_ts));
        expect(session.events.length).toBeGreaterThanOrEqual(2);
        for (const event of session.events) expect(userEventSchema.safeParse(event).success).toBe(true);
        expect(new Set(session.events.map((event) => event.session_id)).size).toBe(1);
        expect(session.events.every((event) => event.user_id === ctx.customer.user_id)).toBe(true);
        expect(times[0]).toBeGreaterThan(START);
        expect(times.every((time, i) => i === 0 || time > times[i - 1]!)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('buys only what was carted, at street prices, with a transaction whose sums add up', () => {
    // Prepare
    const buying = sample.filter(({ session }) => session.transaction !== undefined);

    // Act / Assess
    expect(buying.length).toBeGreaterThan(100);
    for (const { ctx, session } of buying) {
      const txn = session.transaction!;
      const carted = new Set(session.events.filter((e) => e.event_type === 'add_to_cart').map((e) => e.product_id));
      const removed = new Set(session.events.filter((e) => e.event_type === 'remove_from_cart').map((e) => e.product_id));
      expect(transactionSchema.safeParse(txn).success).toBe(true);
      expect(txn.user_id).toBe(ctx.customer.user_id);
      expect(txn.session_id).toBe(session.events[0]!.session_id);
      for (const item of txn.products) {
        expect(carted.has(item.product_id) && !removed.has(item.product_id)).toBe(true);
        const msrp = PRODUCTS.find((product) => product.product_id === item.product_id)!.msrp;
        expect(item.unit_price).toBeLessThanOrEqual(msrp + 0.005);
      }
      const checkout = session.events.find((e) => e.event_type === 'checkout_start')!;
      expect(Date.parse(txn.event_ts)).toBeGreaterThan(Date.parse(checkout.event_ts));
    }
  });

  it('never lets an event or a transaction pass the end of the window', () => {
    // Prepare: a window that closes a few seconds after the session starts
    const end = START + 20_000;

    // Act
    const sessions = Array.from({ length: 300 }, (_, seed) => sessionFor(seed, end).session);

    // Assess
    const times = sessions.flatMap((s) => [...s.events.map((e) => e.event_ts), ...(s.transaction ? [s.transaction.event_ts] : [])]).map(Date.parse);
    expect(times.every((time) => time < end)).toBe(true);
  });

  it('converts about one session in twenty into a transaction', () => {
    // Prepare: the sample of beforeAll

    // Act
    const withTransaction = sample.filter(({ session }) => session.transaction !== undefined).length / sample.length;

    // Assess
    expect(withTransaction).toBeGreaterThan(0.03);
    expect(withTransaction).toBeLessThan(0.09);
  });
});
