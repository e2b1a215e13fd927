/**
 * One shopping session: a landing page view, some browsing, maybe a cart, a checkout and a
 * purchase with its transaction. Rates follow typical e-commerce funnels (about 5 % of
 * sessions buy), and every purchase event has exactly one matching transaction.
 */
import { REFERRERS, STATE_CODES, type BROWSERS, type DEVICE_TYPES, type EventType, type OPERATING_SYSTEMS } from '../shared/contracts/domain.js';
import { roundCents, type Transaction, type TransactionItem, type UserEvent } from '../shared/contracts/events.js';
import { isoTimestamp } from '../shared/csv.js';
import type { Customer, Product } from '../shared/contracts/reference.js';
import type { RandomDraws } from './random-draws.js';
import { weightedPick } from './weighted.js';

/** Funnel probabilities, each conditional on reaching the previous step. */
export const FUNNEL = { addToCart: 0.16, removeFromCart: 0.15, checkout: 0.55, purchase: 0.68 } as const;

interface DeviceProfile {
  readonly device_type: (typeof DEVICE_TYPES)[number];
  readonly browsers: readonly (typeof BROWSERS)[number][];
  readonly os: readonly (typeof OPERATING_SYSTEMS)[number][];
}

const pickDevice = weightedPick<DeviceProfile>([
  { value: { device_type: 'mobile', browsers: ['safari', 'chrome', 'samsung_internet'], os: ['ios', 'android'] }, weight: 55 },
  { value: { device_type: 'desktop', browsers: ['chrome', 'edge', 'safari', 'firefox'], os: ['windows', 'macos', 'linux'] }, weight: 35 },
  { value: { device_type: 'tablet', browsers: ['safari', 'chrome'], os: ['ios', 'android'] }, weight: 10 },
]);

const pickPaymentMethod = weightedPick([
  { value: 'credit_card', weight: 40 },
  { value: 'debit_card', weight: 20 },
  { value: 'paypal', weight: 15 },
  { value: 'apple_pay', weight: 12 },
  { value: 'google_pay', weight: 8 },
  { value: 'gift_card', weight: 5 },
] as const);

const pickStatus = weightedPick([
  { value: 'completed', weight: 90 },
  { value: 'pending', weight: 4 },
  { value: 'failed', weight: 3 },
  { value: 'refunded', weight: 3 },
] as const);

const REFERRER_WEIGHTS = [40, 25, 5, 8, 7, 8, 4, 3] as const;
const pickReferrer = weightedPick(REFERRERS.map((value, i) => ({ value, weight: REFERRER_WEIGHTS[i]! })));

/** Units of one product put in the cart. */
const pickQuantity = weightedPick([{ value: 1, weight: 75 }, { value: 2, weight: 18 }, { value: 3, weight: 7 }]);

export interface SessionContext {
  /** Random draws from the stream's seeded sequence. */
  readonly draws: RandomDraws;
  readonly customer: Customer;
  readonly products: readonly Product[];
  readonly start: number;
  /** Events must end before this (the window's end). */
  readonly end: number;
}

export interface SessionOutput {
  readonly events: UserEvent[];
  /** Each event's time in epoch ms (its `event_ts`), so the stream need not parse the text back. */
  readonly eventTimes: number[];
  readonly transaction: Transaction | undefined;
}

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** Caches what `build` makes of a name: the catalog has a few dozen (sub)categories, drawn millions of times. */
const perName = <T>(build: (name: string) => T): ((name: string) => T) => {
  const built = new Map<string, T>();
  return (name) => {
    let value = built.get(name);
    if (value === undefined) built.set(name, (value = build(name)));
    return value;
  };
};

const categoryUrl = perName((category) => `/category/${slug(category)}`);

/** The search that finds a subcategory, and the page it lands on. */
const searchFor = perName((subcategory) => {
  const query = subcategory.toLowerCase();
  return { query, url: `/search?q=${encodeURIComponent(query)}` };
});

const productUrl = (product: Product): string => `/product/${product.product_id}`;

/** `count` different positions of `items`, as their elements (a partial Fisher–Yates shuffle). */
const distinctPicks = <T>(draws: RandomDraws, items: readonly T[], count: number): T[] => {
  const pool = [...items];
  for (let i = 0; i < count; i++) {
    const j = draws.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
};

const buildTransaction = (ctx: SessionContext, sessionId: string, cart: Map<Product, number>, at: number): Transaction => {
  const { draws, customer } = ctx;
  const products: TransactionItem[] = [...cart].map(([product, quantity]) => ({
    product_id: product.product_id,
    quantity,
    // Street prices sit a little under MSRP.
    unit_price: roundCents(product.msrp * draws.between(0.85, 1)),
  }));
  const subtotal = roundCents(products.reduce((sum, item) => sum + item.quantity * item.unit_price, 0));
  const discount = draws.chance(0.3) ? roundCents(subtotal * draws.pick([0.05, 0.1, 0.15, 0.2])) : 0;
  const tax = roundCents((subtotal - discount) * draws.between(0.04, 0.095));
  return {
    transaction_id: draws.uuid(),
    user_id: customer.user_id,
    session_id: sessionId,
    event_ts: isoTimestamp(at),
    products,
    subtotal,
    discount,
    tax,
    total: roundCents(subtotal - discount + tax),
    currency: 'USD',
    payment_method: pickPaymentMethod(draws.uniform()),
    status: pickStatus(draws.uniform()),
    shipping_state: draws.chance(0.92) ? customer.state : draws.pick(STATE_CODES),
  };
};

/** The optional fields of a user event; those not given are null. */
type EventDetails = Partial<Pick<UserEvent, 'product_id' | 'search_query' | 'transaction_id'>>;

export const generateSession = (ctx: SessionContext): SessionOutput => {
  const { draws, products } = ctx;
  const sessionId = draws.uuid();
  const device = pickDevice(draws.uniform());
  const browser = draws.pick(device.browsers);
  const os = draws.pick(device.os);
  const referrer = pickReferrer(draws.uniform());
  const events: UserEvent[] = [];
  const eventTimes: number[] = [];
  let clock = ctx.start;

  const emit = (eventType: EventType, pageUrl: string, details: EventDetails = {}): number => {
    clock = Math.min(clock + draws.int(5_000, 90_000), ctx.end - 1);
    // Every field written out in one order, so all events share one object shape.
    events.push({
      event_id: draws.uuid(),
      user_id: ctx.customer.user_id,
      session_id: sessionId,
      event_type: eventType,
      event_ts: isoTimestamp(clock),
      page_url: pageUrl,
      product_id: details.product_id ?? null,
      search_query: details.search_query ?? null,
      transaction_id: details.transaction_id ?? null,
      device_type: device.device_type,
      browser,
      operating_system: os,
      referrer,
    });
    eventTimes.push(clock);
    return clock;
  };

  const firstProduct = draws.pick(products);
  emit('page_view', draws.pick(['/', '/deals', categoryUrl(firstProduct.category)]));

  const viewed: Product[] = [];
  const browseSteps = 1 + Math.floor(-Math.log(1 - draws.between(0, 0.999)) / 0.45);
  for (let step = 0; step < browseSteps; step++) {
    const action = draws.uniform();
    // Browsing stays mostly within one category, as real sessions do.
    const product = draws.chance(0.6) ? firstProduct : draws.pick(products);
    if (action < 0.7) {
      viewed.push(product);
      emit('product_view', productUrl(product), { product_id: product.product_id });
    } else if (action < 0.85) {
      const search = searchFor(product.subcategory);
      emit('search', search.url, { search_query: search.query });
    } else {
      emit('page_view', categoryUrl(product.category));
    }
  }

  const cart = new Map<Product, number>();
  if (viewed.length > 0 && draws.chance(FUNNEL.addToCart)) {
    for (const product of distinctPicks(draws, viewed, draws.int(1, Math.min(3, viewed.length)))) {
      if (cart.has(product)) continue;
      cart.set(product, pickQuantity(draws.uniform()));
      emit('add_to_cart', productUrl(product), { product_id: product.product_id });
    }
    if (cart.size > 1 && draws.chance(FUNNEL.removeFromCart)) {
      const removed = draws.pick([...cart.keys()]);
      cart.delete(removed);
      emit('remove_from_cart', '/cart', { product_id: removed.product_id });
    }
  }

  let transaction: Transaction | undefined;
  if (cart.size > 0 && draws.chance(FUNNEL.checkout)) {
    emit('checkout_start', '/checkout');
    if (draws.chance(FUNNEL.purchase)) {
      const at = clock + draws.int(20_000, 180_000);
      transaction = buildTransaction(ctx, sessionId, cart, Math.min(at, ctx.end - 1));
      // A failed payment is a transaction record but not a purchase.
      if (transaction.status !== 'failed') {
        emit('purchase', '/checkout/confirmation', { transaction_id: transaction.transaction_id });
      }
    }
  }
  return { events, eventTimes, transaction };
};
