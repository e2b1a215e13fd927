/**
 * Customers come and go: some fade out and stop visiting, which is what the churn model learns
 * to see coming (gold.churn_features, lambdas/churn/). A fading customer's visits thin out
 * linearly over several weeks before they stop, so recency and the 30/60/90-day trends carry a
 * signal; the fade lengths, the churn dates and the customers' very different activity levels
 * (a rare visitor looks faded without being so) keep it from being trivial.
 *
 * The lifecycles are drawn from a Faker of their own, seeded from the stream's seed: the main
 * stream draws exactly the same random numbers as without them, only the customer a session
 * picks changes, so the same seed still gives the same stream.
 */
import { Faker, en } from '@faker-js/faker';
import type { Customer } from '../shared/contracts/reference.js';
import { DAY_MS, type EventWindow } from './seasonality.js';

/** Share of customers who fade out at some point (before, inside or after the window). */
export const CHURNING_SHARE = 0.4;
/** How long a fade lasts, first visits thinning to none: uniform in this range of days. */
const FADE_DAYS = { min: 20, max: 90 } as const;
/** After a customer stopped, the odds of a stray visit, relative to their old activity. */
const AFTERLIFE_ACTIVITY = 0.03;
/** Offsets the lifecycle seed from the stream's, so the two random streams never coincide. */
const LIFECYCLE_SEED_OFFSET = 0x5eed;

export interface CustomerLifecycle {
  readonly customer: Customer;
  /** The customer's visits relative to their peak at time `t` (epoch ms): 1 while active, about 0 once gone. */
  readonly activityAt: (t: number) => number;
}

const steady = (): number => 1;

/** A linear fade ending at `stopAt`, then the rare stray visit. */
const fadingOut = (stopAt: number, fadeMs: number) => (t: number): number =>
  t >= stopAt ? AFTERLIFE_ACTIVITY : Math.min(1, Math.max(AFTERLIFE_ACTIVITY, (stopAt - t) / fadeMs));

/**
 * Each customer's lifecycle over `window`: churners stop at a time drawn uniformly from the
 * window's second quarter to a little past its end (so some are still fading when it closes).
 */
export const customerLifecycles = (customers: readonly Customer[], window: EventWindow, seed: number): CustomerLifecycle[] => {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed + LIFECYCLE_SEED_OFFSET);
  const start = window.start.getTime();
  const span = Math.max(window.end.getTime() - start, DAY_MS);
  return customers.map((customer) => {
    const churns = faker.number.float({ min: 0, max: 1 }) < CHURNING_SHARE;
    const stopAt = start + span * faker.number.float({ min: 0.25, max: 1.1 });
    const fadeMs = faker.number.int(FADE_DAYS) * DAY_MS;
    return { customer, activityAt: churns ? fadingOut(stopAt, fadeMs) : steady };
  });
};
