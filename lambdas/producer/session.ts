/**
 * One shopping session: a landing page view, some browsing, maybe a cart, a checkout and a
 * purchase with its transaction. Rates follow typical e-commerce funnels (about 5 % of
 * sessions buy), and every purchase event has exactly one matching transaction.
 */
import type { Faker } from '@faker-js/faker';
import { REFERRERS, STATE_CODES, type BROWSERS, type DEVICE_TYPES, type EventType, type OPERATING_SYSTEMS } from '../shared/contracts/domain.js';
import { roundCents, type Transaction, type TransactionItem, type UserEvent } from '../shared/contracts/events.js';
import type { Customer, Product } from '../shared/contracts/reference.js';

/** Funnel probabilities, each conditional on reaching the previous step. */
export const FUNNEL = { addToCart: 0.16, removeFromCart: 0.15, checkout: 0.55, purchase: 0.68 } as const;

interface DeviceProfile {
  readonly device_type: (typeof DEVICE_TYPES)[number];
  readonly browsers: readonly (typeof BROWSERS)[number][];
  readonly os: readonly (typeof OPERATING_SYSTEMS)[number][];
}

const DEVICES: readonly { value: DeviceProfile; weight: number }[] = [
  { value: { device_type: 'mobile', browsers: ['safari', 'chrome', 'samsung_internet'], os: ['ios', 'android'] }, weight: 55 },
  { value: { device_type: 'desktop', browsers: ['chrome', 'edge', 'safari', 'firefox'], os: ['windows', 'macos', 'linux'] }, weight: 35 },
  { value: { device_type: 'tablet', browsers: ['safari', 'chrome'], os: ['ios', 'android'] }, weight: 10 },
];

const PAYMENT_METHODS = [
  { value: 'credit_card', weight: 40 },
  { value: 'debit_card', weight: 20 },
  { value: 'paypal', weight: 15 },
  { value: 'apple_pay', weight: 12 },
  { value: 'google_pay', weight: 8 },
  { value: 'gift_card', weight: 5 },
] as const;

const STATUSES = [
  { value: 'completed', weight: 90 },
  { value: 'pending', weight: 4 },
  { value: 'failed', weight: 3 },
  { value: 'refunded', weight: 3 },
] as const;

const REFERRER_WEIGHTS = [40, 25, 5, 8, 7, 8, 4, 3] as const;

export interface SessionContext {
  readonly faker: Faker;
  readonly customer: Customer;
  readonly products: readonly Product[];
  readonly start: number;
  /** Events must end before this (the window's end). */
  readonly end: number;
}

export interface SessionOutput {
  readonly events: UserEvent[];
  readonly transaction: Transaction | undefined;
}

const slug = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

const buildTransaction = (ctx: SessionContext, sessionId: string, cart: Map<Product, number>, at: number): Transaction => {
  const { faker, customer } = ctx;
  const products: TransactionItem[] = [...cart].map(([product, quantity]) => ({
    product_id: product.product_id,
    quantity,
    // Street prices sit a little under MSRP.
    unit_price: roundCents(product.msrp * faker.number.float({ min: 0.85, max: 1 })),
  }));
  const subtotal = roundCents(products.reduce((sum, item) => sum + item.quantity * item.unit_price, 0));
  const discount = faker.datatype.boolean({ probability: 0.3 }) ? roundCents(subtotal * faker.helpers.arrayElement([0.05, 0.1, 0.15, 0.2])) : 0;
  const tax = roundCents((subtotal - discount) * faker.number.float({ min: 0.04, max: 0.095 }));
  return {
    transaction_id: faker.string.uuid(),
    user_id: customer.user_id,
    session_id: sessionId,
    event_ts: new Date(at).toISOString(),
    products,
    subtotal,
    discount,
    tax,
    total: roundCents(subtotal - discount + tax),
    currency: 'USD',
    payment_method: faker.helpers.weightedArrayElement(PAYMENT_METHODS),
    status: faker.helpers.weightedArrayElement(STATUSES),
    shipping_state: faker.datatype.boolean({ probability: 0.92 }) ? customer.state : faker.helpers.arrayElement(STATE_CODES),
  };
};

export const generateSession = (ctx: SessionContext): SessionOutput => {
  const { faker, products } = ctx;
  const sessionId = faker.string.uuid();
  const device = faker.helpers.weightedArrayElement(DEVICES);
  const browser = faker.helpers.arrayElement(device.browsers);
  const os = faker.helpers.arrayElement(device.os);
  const referrer = faker.helpers.weightedArrayElement(REFERRERS.map((value, i) => ({ value, weight: REFERRER_WEIGHTS[i]! })));
  const events: UserEvent[] = [];
  let clock = ctx.start;

  const emit = (eventType: EventType, pageUrl: string, extra: Partial<UserEvent> = {}): number => {
    clock = Math.min(clock + faker.number.int({ min: 5_000, max: 90_000 }), ctx.end - 1);
    events.push({
      event_id: faker.string.uuid(),
      user_id: ctx.customer.user_id,
      session_id: sessionId,
      event_type: eventType,
      event_ts: new Date(clock).toISOString(),
      page_url: pageUrl,
      product_id: null,
      search_query: null,
      transaction_id: null,
      device_type: device.device_type,
      browser,
      operating_system: os,
      referrer,
      ...extra,
    });
    return clock;
  };

  const firstProduct = faker.helpers.arrayElement(products);
  emit('page_view', faker.helpers.arrayElement(['/', '/deals', `/category/${slug(firstProduct.category)}`]));

  const viewed: Product[] = [];
  const browseSteps = 1 + Math.floor(-Math.log(1 - faker.number.float({ min: 0, max: 0.999 })) / 0.45);
  for (let step = 0; step < browseSteps; step++) {
    const action = faker.number.float({ min: 0, max: 1 });
    // Browsing stays mostly within one category, as real sessions do.
    const product = faker.datatype.boolean({ probability: 0.6 }) ? firstProduct : faker.helpers.arrayElement(products);
    if (action < 0.7) {
      viewed.push(product);
      emit('product_view', `/product/${product.product_id}`, { product_id: product.product_id });
    } else if (action < 0.85) {
      emit('search', `/search?q=${encodeURIComponent(product.subcategory.toLowerCase())}`, { search_query: product.subcategory.toLowerCase() });
    } else {
      emit('page_view', `/category/${slug(product.category)}`);
    }
  }

  const cart = new Map<Product, number>();
  if (viewed.length > 0 && faker.datatype.boolean({ probability: FUNNEL.addToCart })) {
    for (const product of faker.helpers.arrayElements(viewed, { min: 1, max: Math.min(3, viewed.length) })) {
      if (cart.has(product)) continue;
      cart.set(product, faker.helpers.weightedArrayElement([{ value: 1, weight: 75 }, { value: 2, weight: 18 }, { value: 3, weight: 7 }]));
      emit('add_to_cart', `/product/${product.product_id}`, { product_id: product.product_id });
    }
    if (cart.size > 1 && faker.datatype.boolean({ probability: FUNNEL.removeFromCart })) {
      const removed = faker.helpers.arrayElement([...cart.keys()]);
      cart.delete(removed);
      emit('remove_from_cart', '/cart', { product_id: removed.product_id });
    }
  }

  let transaction: Transaction | undefined;
  if (cart.size > 0 && faker.datatype.boolean({ probability: FUNNEL.checkout })) {
    emit('checkout_start', '/checkout');
    if (faker.datatype.boolean({ probability: FUNNEL.purchase })) {
      const at = clock + faker.number.int({ min: 20_000, max: 180_000 });
      transaction = buildTransaction(ctx, sessionId, cart, Math.min(at, ctx.end - 1));
      // A failed payment is a transaction record but not a purchase.
      if (transaction.status !== 'failed') {
        emit('purchase', '/checkout/confirmation', { transaction_id: transaction.transaction_id });
      }
    }
  }
  return { events, transaction };
};
