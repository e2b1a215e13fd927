/**
 * The generated event stream: exactly `events` messages over the window, day by day in time
 * order, deterministic for a seed and a window. Used by the CLI, the demo producer Lambda,
 * tests and benchmarks alike.
 */
import { TOPICS } from '../shared/contracts/events.js';
import type { Customer } from '../shared/contracts/reference.js';
import type { ProducedMessage } from '../shared/ports/event-publisher.js';
import { customerLifecycles, type CustomerLifecycle } from './customer-lifecycle.js';
import { DIRT_KINDS, makeDirty } from './dirty-records.js';
import { CUSTOMERS, PRODUCTS } from './reference-data.js';
import { seededRandom, type RandomDraws } from './random-draws.js';
import { DAY_MS, HOUR_WEIGHTS, dayWeight, daysOf, type EventWindow } from './seasonality.js';
import { generateSession, type SessionOutput } from './session.js';
import { userEventJson } from './user-event-json.js';
import { weightedPick, type WeightedPick } from './weighted.js';

export interface EventStreamOptions {
  /** Total messages to emit across both topics. */
  readonly events: number;
  readonly seed: number;
  readonly window: EventWindow;
  /** Share of messages (0–1) replaced by dirty variants. */
  readonly dirtyRate?: number;
}

const pickHour = weightedPick(HOUR_WEIGHTS.map((weight, hour) => ({ value: hour, weight })));

const message = (topic: string, key: string, json: string, timestamp: number): ProducedMessage => ({
  topic,
  key,
  value: Buffer.from(json, 'utf8'),
  timestamp,
});

/** Customers are not equally active: a few loyal shoppers make many sessions. */
const activityLevels = (draws: RandomDraws, customers: readonly Customer[]): number[] =>
  customers.map(() => 0.2 + draws.uniform() ** 3 * 8);

/** The day's odds of each customer visiting: their activity level, faded where they are leaving. */
const customerPickOn = (day: Date, lifecycles: readonly CustomerLifecycle[], activity: readonly number[]): WeightedPick<Customer> => {
  const midday = day.getTime() + DAY_MS / 2;
  return weightedPick(lifecycles.map((lifecycle, i) => ({ value: lifecycle.customer, weight: activity[i]! * lifecycle.activityAt(midday) })));
};

/** Puts `entry` into the time-ordered `messages` after every message not later than it, where a stable sort would. */
const insertInTimeOrder = (messages: ProducedMessage[], entry: ProducedMessage): void => {
  let at = messages.length;
  while (at > 0 && messages[at - 1]!.timestamp > entry.timestamp) at--;
  messages.splice(at, 0, entry);
};

/** Yields one day's sessions, in the order they start. */
function* daySessions(draws: RandomDraws, day: Date, window: EventWindow, pickCustomer: WeightedPick<Customer>, count: number) {
  const dayEnd = Math.min(day.getTime() + DAY_MS, window.end.getTime());
  const starts = Array.from({ length: count }, () => {
    const start = day.getTime() + pickHour(draws.uniform()) * 3_600_000 + draws.int(0, 3_599_999);
    // The window's last day may be cut short: fold late starts into the part that exists.
    return start < dayEnd ? start : day.getTime() + draws.int(0, Math.max(0, dayEnd - day.getTime() - 1));
  }).sort((a, b) => a - b);
  for (const start of starts) {
    yield generateSession({ draws, customer: pickCustomer(draws.uniform()), products: PRODUCTS, start, end: window.end.getTime() });
  }
}

/**
 * A session's messages in time order, at most `room` of them: all of it, or, when a day's share
 * or the total cuts it short, a visit abandoned before buying, so that a purchase event never
 * appears without its transaction (nor a transaction without its purchase). Only what is kept is
 * serialized.
 */
const sessionMessages = (session: SessionOutput, room: number): ProducedMessage[] => {
  const { events, eventTimes, transaction } = session;
  const whole = events.length + (transaction ? 1 : 0) <= room;
  const messages: ProducedMessage[] = [];
  for (let i = 0; i < events.length && messages.length < room; i++) {
    const event = events[i]!;
    if (whole || event.event_type !== 'purchase') messages.push(message(TOPICS.userEvents, event.user_id, userEventJson(event), eventTimes[i]!));
  }
  // The session's events are in time order already; only its transaction has to find its place.
  if (whole && transaction) insertInTimeOrder(messages, message(TOPICS.transactions, transaction.user_id, JSON.stringify(transaction), Date.parse(transaction.event_ts)));
  return messages;
};

/** Average messages per session, measured on the session model (used only to size days). */
const MESSAGES_PER_SESSION = 4.6;

export function* generateEventStream(options: EventStreamOptions): Generator<ProducedMessage> {
  const { faker, draws } = seededRandom(options.seed);
  const dirtyRate = options.dirtyRate ?? 0;
  const activity = activityLevels(draws, CUSTOMERS);
  const lifecycles = customerLifecycles(CUSTOMERS, options.window, options.seed);
  const days = daysOf(options.window);
  const weights = days.map((day) => dayWeight(day, options.window));
  const totalWeight = weights.reduce((a, b) => a + b, 0);

  let emitted = 0;
  let cumulativeWeight = 0;
  for (let i = 0; i < days.length && emitted < options.events; i++) {
    cumulativeWeight += weights[i]!;
    const pickCustomer = customerPickOn(days[i]!, lifecycles, activity);
    const target = i === days.length - 1 ? options.events : Math.round((options.events * cumulativeWeight) / totalWeight);
    // Sessions are drawn in rounds until the day has its share; the last day takes the remainder.
    while (emitted < target) {
      const sessions = Math.max(1, Math.ceil((target - emitted) / MESSAGES_PER_SESSION));
      for (const session of daySessions(draws, days[i]!, options.window, pickCustomer, sessions)) {
        for (const clean of sessionMessages(session, target - emitted)) {
          if (dirtyRate > 0 && draws.chance(dirtyRate)) {
            for (const produced of makeDirty(clean, draws.pick(DIRT_KINDS), faker)) {
              if (emitted >= target) break;
              emitted++;
              yield produced;
            }
          } else {
            // sessionMessages left room for every clean message.
            emitted++;
            yield clean;
          }
          if (emitted >= target) break;
        }
        if (emitted >= target) break;
      }
    }
  }
}
