/**
 * Closed vocabularies shared by the reference data, the producers and the contracts.
 * Kept in one module so a new payment method or device type is added in exactly one place.
 */

/** Funnel order matters: dashboards and session generation read it left to right. */
export const EVENT_TYPES = [
  'page_view',
  'product_view',
  'search',
  'add_to_cart',
  'remove_from_cart',
  'checkout_start',
  'purchase',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Event types that are about one product and therefore must carry `product_id`. */
export const PRODUCT_EVENT_TYPES: readonly EventType[] = ['product_view', 'add_to_cart', 'remove_from_cart'];

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet'] as const;
export const BROWSERS = ['chrome', 'safari', 'firefox', 'edge', 'samsung_internet', 'other'] as const;
export const OPERATING_SYSTEMS = ['windows', 'macos', 'linux', 'ios', 'android', 'other'] as const;
export const REFERRERS = ['direct', 'google', 'bing', 'facebook', 'instagram', 'email', 'affiliate', 'tiktok'] as const;

export const PAYMENT_METHODS = ['credit_card', 'debit_card', 'paypal', 'apple_pay', 'google_pay', 'gift_card'] as const;
export const TRANSACTION_STATUSES = ['completed', 'pending', 'failed', 'refunded'] as const;
export const CURRENCIES = ['USD'] as const;

export const ACCOUNT_TYPES = ['standard', 'premium', 'business'] as const;

export const REGIONS = ['Northeast', 'Midwest', 'South', 'West'] as const;
export type Region = (typeof REGIONS)[number];

/** US Census regions by state code; `shipping_state` and `customers.state` are validated against it. */
export const STATE_REGION: Readonly<Record<string, Region>> = {
  CT: 'Northeast', ME: 'Northeast', MA: 'Northeast', NH: 'Northeast', RI: 'Northeast', VT: 'Northeast',
  NJ: 'Northeast', NY: 'Northeast', PA: 'Northeast',
  IL: 'Midwest', IN: 'Midwest', MI: 'Midwest', OH: 'Midwest', WI: 'Midwest', IA: 'Midwest', KS: 'Midwest',
  MN: 'Midwest', MO: 'Midwest', NE: 'Midwest', ND: 'Midwest', SD: 'Midwest',
  DE: 'South', DC: 'South', FL: 'South', GA: 'South', MD: 'South', NC: 'South', SC: 'South', VA: 'South',
  WV: 'South', AL: 'South', KY: 'South', MS: 'South', TN: 'South', AR: 'South', LA: 'South', OK: 'South',
  TX: 'South',
  AZ: 'West', CO: 'West', ID: 'West', MT: 'West', NV: 'West', NM: 'West', UT: 'West', WY: 'West', AK: 'West',
  CA: 'West', HI: 'West', OR: 'West', WA: 'West',
};
export const STATE_CODES = Object.keys(STATE_REGION) as readonly string[];

/** Product taxonomy with the price band (USD) a product of that category is drawn from. */
export const CATEGORIES: Readonly<Record<string, { subcategories: readonly string[]; price: readonly [number, number] }>> = {
  Electronics: { subcategories: ['Phones', 'Laptops', 'Audio', 'Cameras', 'Wearables', 'Accessories'], price: [15, 2400] },
  'Home & Kitchen': { subcategories: ['Cookware', 'Appliances', 'Furniture', 'Bedding', 'Decor'], price: [10, 900] },
  Clothing: { subcategories: ['Men', 'Women', 'Kids', 'Shoes', 'Outerwear'], price: [8, 350] },
  'Sports & Outdoors': { subcategories: ['Fitness', 'Camping', 'Cycling', 'Team Sports', 'Water Sports'], price: [10, 1200] },
  Beauty: { subcategories: ['Skincare', 'Makeup', 'Haircare', 'Fragrance'], price: [5, 180] },
  Books: { subcategories: ['Fiction', 'Non-fiction', 'Children', 'Comics', 'Textbooks'], price: [5, 120] },
  'Toys & Games': { subcategories: ['Board Games', 'Puzzles', 'Building Sets', 'Dolls', 'Video Games'], price: [6, 400] },
  Grocery: { subcategories: ['Snacks', 'Beverages', 'Pantry', 'Coffee & Tea'], price: [2, 60] },
};
