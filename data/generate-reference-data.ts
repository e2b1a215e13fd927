/**
 * Generates `data/products.json` (2,000) and `data/customers.json` (1,000) with a fixed seed and
 * fixed dates, so `npm run data:generate` reproduces them byte for byte on any machine.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Faker, en } from '@faker-js/faker';
import { ACCOUNT_TYPES, CATEGORIES, STATE_CODES, STATE_REGION } from '../lambdas/shared/contracts/domain.js';
import { roundCents } from '../lambdas/shared/contracts/events.js';
import { customerSchema, productIdFor, productSchema, userIdFor, type Customer, type Product } from '../lambdas/shared/contracts/reference.js';

export const PRODUCT_COUNT = 2000;
export const CUSTOMER_COUNT = 1000;
const SEED = 20_240_601;
/** Every date is drawn relative to this, never to "today", so output does not age. */
const REFERENCE_DATE = new Date('2025-06-30T00:00:00Z');

const isoDate = (date: Date): string => date.toISOString().slice(0, 10);

/** States weighted roughly by population, so regional charts look like a US retailer's. */
const STATE_WEIGHTS: Readonly<Record<string, number>> = { CA: 12, TX: 9, FL: 7, NY: 6, PA: 4, IL: 4, OH: 3.5, GA: 3.3, NC: 3.2, MI: 3 };

const brandPool = (faker: Faker, category: string): string[] =>
  Array.from({ length: 12 }, () => `${faker.company.name().split(/[ ,-]/)[0]} ${category.split(' ')[0]}`);

export const generateProducts = (faker: Faker): Product[] => {
  const categories = Object.entries(CATEGORIES);
  const brands = new Map(categories.map(([name]) => [name, brandPool(faker, name)]));
  return Array.from({ length: PRODUCT_COUNT }, (_, index) => {
    const [category, spec] = faker.helpers.arrayElement(categories);
    const brand = faker.helpers.arrayElement(brands.get(category)!);
    // Log-uniform prices: many cheap items, a long tail of expensive ones.
    const [low, high] = spec.price;
    const msrp = roundCents(Math.exp(faker.number.float({ min: Math.log(low), max: Math.log(high) })));
    return productSchema.parse({
      product_id: productIdFor(index + 1),
      product_name: `${brand.split(' ')[0]} ${faker.commerce.productName()}`,
      description: faker.commerce.productDescription(),
      category,
      subcategory: faker.helpers.arrayElement(spec.subcategories),
      brand,
      manufacturer: faker.company.name(),
      msrp,
      cost_price: roundCents(msrp * faker.number.float({ min: 0.35, max: 0.75 })),
      created_date: isoDate(faker.date.between({ from: '2019-01-01T00:00:00Z', to: REFERENCE_DATE })),
      is_active: faker.datatype.boolean({ probability: 0.95 }),
    });
  });
};

export const generateCustomers = (faker: Faker): Customer[] => {
  const states = STATE_CODES.map((code) => ({ value: code, weight: STATE_WEIGHTS[code] ?? 1 }));
  const emails = new Set<string>();
  return Array.from({ length: CUSTOMER_COUNT }, (_, index) => {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    let email = faker.internet.email({ firstName, lastName }).toLowerCase();
    // Emails identify people in the CRM: keep them unique by suffixing the id.
    if (emails.has(email)) email = email.replace('@', `.${index + 1}@`);
    emails.add(email);
    const state = faker.helpers.weightedArrayElement(states);
    return customerSchema.parse({
      user_id: userIdFor(index + 1),
      email,
      first_name: firstName,
      last_name: lastName,
      registration_date: isoDate(faker.date.between({ from: '2018-01-01T00:00:00Z', to: REFERENCE_DATE })),
      account_type: faker.helpers.weightedArrayElement([
        { value: ACCOUNT_TYPES[0], weight: 70 },
        { value: ACCOUNT_TYPES[1], weight: 25 },
        { value: ACCOUNT_TYPES[2], weight: 5 },
      ]),
      date_of_birth: isoDate(faker.date.birthdate({ mode: 'age', min: 18, max: 80, refDate: REFERENCE_DATE })),
      loyalty_points: faker.number.int({ min: 0, max: 25_000 }),
      state,
      region: STATE_REGION[state],
    });
  });
};

/** Writes both files under `dir`; returns their paths. */
export const writeReferenceData = async (dir: URL): Promise<string[]> => {
  const faker = new Faker({ locale: [en] });
  faker.seed(SEED);
  const products = generateProducts(faker);
  const customers = generateCustomers(faker);
  const files: [string, unknown][] = [
    ['products.json', products],
    ['customers.json', customers],
  ];
  const paths: string[] = [];
  for (const [name, rows] of files) {
    const path = fileURLToPath(new URL(name, dir));
    await writeFile(path, `${JSON.stringify(rows, null, 2)}\n`);
    paths.push(path);
  }
  return paths;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const paths = await writeReferenceData(new URL('./', import.meta.url));
  console.log(`wrote ${paths.join(', ')}`);
}
