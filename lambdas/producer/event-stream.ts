/**
 * The generated event stream: exactly `events` messages over the window, day by day in time
 * order, deterministic for a seed and a window. Used by the CLI, the demo producer Lambda,
 * tests and benchmarks alike.
 */
import { Faker, en } from '@faker-js/faker';
import { TOPICS } from '../shared/contracts/events.js';
import type { Customer } from '../shared/contracts/reference.js';
import type { ProducedMessage } from '../shared/ports/event-publisher.js';
import { customerLifecycles, type CustomerLifecycle } from './customer-lifecycle.js';
import { DIRT_KINDS, makeDirty } from './dirty-records.js';
import { CUSTOMERS, PRODUCTS } from './reference-data.js';
import { DAY_MS, HOUR_WEIGHTS, dayWeight, daysOf, type EventWindow } from './seasonality.js';
import { generateSession } from './session.js';

export interface EventStreamOptions {
  /** Total messages to emit across both topics. */
  readonly events: number;
  readonly seed: number;
  readonly window: EventWindow;
  /** Share of messages (0–1) replaced by dirty variants. */
  readonly dirtyRate?: number;
}

const HOURS = HOUR_WEIGHTS.map((weight, hour) => ({ value: hour, weight }));

const message = (topic: string, key: string, value: unknown, timestamp: number): ProducedMessage => ({
  topic,
  key,
  value: Buffer.from(JSON.stringify(value), 'utf8'),
  timestamp,
});

/** Customers are not equally active: a few loyal shoppers make many sessions. */
const activityWeights = (faker: Faker, customers: readonly Customer[]) =>
  customers.map((customer) => ({ value: customer, weight: 0.2 + faker.number.float({ min: 0, max: 1 }) ** 3 * 8 }));

type WeightedCustomers = ReturnType<typeof activityWeights>;

/** The day's odds of each customer visiting: their activity level, faded where they are leaving. */
const weightsOn = (day: Date, customers: WeightedCustomers, lifecycles: readonly CustomerLifecycle[]): WeightedCustomers => {
  const midday = day.getTime() + DAY_MS / 2;
  return customers.map((entry, i) => ({ value: entry.value, weight: entry.weight * lifecycles[i]!.activityAt(midday) }));
};

/** Yields one day's sessions, each as its messages in time order. */
function* daySessions(faker: Faker, day: Date, window: EventWindow, customers: WeightedCustomers, count: number) {
  const dayEnd = Math.min(day.getTime() + DAY_MS, window.end.getTime());
  const starts = Array.from({ length: count }, () => {
    const hour = faker.helpers.weightedArrayElement(HOURS);
    const start = day.getTime() + hour * 3_600_000 + faker.number.int({ min: 0, max: 3_599_999 });
    // The window's last day may be cut short: fold late starts into the part that exists.
    return start < dayEnd ? start : day.getTime() + faker.number.int({ min: 0, max: Math.max(0, dayEnd - day.getTime() - 1) });
  }).sort((a, b) => a - b);
  for (const start of starts) {
    const session = generateSession({ faker, customer: faker.helpers.weightedArrayElement(customers), products: PRODUCTS, start, end: window.end.getTime() });
    const messages = session.events.map((event) => ({
      message: message(TOPICS.userEvents, event.user_id, event, Date.parse(event.event_ts)),
      buying: event.event_type === 'purchase',
    }));
    if (session.transaction) {
      const txn = session.transaction;
      messages.push({ message: message(TOPICS.transactions, txn.user_id, txn, Date.parse(txn.event_ts)), buying: true });
    }
    yield messages.sort((a, b) => a.message.timestamp - b.message.timestamp);
  }
}

/**
 * The part of a session that fits in `room` messages: all of it, or, when a day's share or the
 * total cuts it short, a visit abandoned before buying, so that a purchase event never appears
 * without its transaction (nor a transaction without its purchase).
 */
const fitSession = (session: readonly { message: ProducedMessage; buying: boolean }[], room: number): ProducedMessage[] =>
  (session.length <= room ? session : session.filter((entry) => !entry.buying).slice(0, room)).map((entry) => entry.message);

/** Average messages per session, measured on the session model (used only to size days). */
const MESSAGES_PER_SESSION = 4.6;

export function* generateEventStream(options: EventStreamOptions): Generator<ProducedMessage> {
  const faker = new Faker({ locale: [en] });
  faker.seed(options.seed);
  const dirtyRate = options.dirtyRate ?? 0;
  const customers = activityWeights(faker, CUSTOMERS);
  const lifecycles = customerLifecycles(CUSTOMERS, options.window, options.seed);
  const days = daysOf(options.window);
  const weights = days.map((day) => dayWeight(day, options.window));
  const totalWeight = weights.reduce((a, b) => a + b, 0);

  let emitted = 0;
  let cumulativeWeight = 0;
  for (let i = 0; i < days.length && emitted < options.events; i++) {
    cumulativeWeight += weights[i]!;
    const dayCustomers = weightsOn(days[i]!, customers, lifecycles);
    const target = i === days.length - 1 ? options.events : Math.round((options.events * cumulativeWeight) / totalWeight);
    // Sessions are drawn in rounds until the day has its share; the last day takes the remainder.
    while (emitted < target) {
      const sessions = Math.max(1, Math.ceil((target - emitted) / MESSAGES_PER_SESSION));
      for (const session of daySessions(faker, days[i]!, options.window, dayCustomers, sessions)) {
        for (const clean of fitSession(session, target - emitted)) {
          const out = dirtyRate > 0 && faker.number.float({ min: 0, max: 1 }) < dirtyRate
            ? makeDirty(clean, faker.helpers.arrayElement(DIRT_KINDS), faker)
            : [clean];
          for (const produced of out) {
            if (emitted >= target) break;
            emitted++;
            yield produced;
          }
        }
        if (emitted >= target) break;
      }
    }
  }
}
