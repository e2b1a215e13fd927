import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CUSTOMER_COUNT, PRODUCT_COUNT, writeReferenceData } from '../../data/generate-reference-data.js';
import { CATEGORIES, STATE_REGION } from '../../lambdas/shared/contracts/domain.js';
import { customerSchema, productSchema } from '../../lambdas/shared/contracts/reference.js';
import { tempFolder } from '../support/files.js';

const committed = (name: string): Promise<Buffer> => readFile(new URL(`../../data/${name}`, import.meta.url));
const rowsOf = async <T>(name: string, schema: z.ZodType<T>): Promise<T[]> => z.array(schema).parse(JSON.parse((await committed(name)).toString('utf8')));

let output: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  output = await tempFolder('reference-data');
});

afterAll(async () => {
  await output.remove();
});

describe('committed reference data', () => {
  it('holds 2,000 valid products with unique, consecutive ids', async () => {
    // Act
    const products = await rowsOf('products.json', productSchema);

    // Assess
    expect(products).toHaveLength(2000);
    expect(PRODUCT_COUNT).toBe(2000);
    expect(products.map((product) => product.product_id)).toEqual(Array.from({ length: 2000 }, (_, index) => `PRD-${String(index + 1).padStart(5, '0')}`));
  });

  it('holds 1,000 valid customers with unique, consecutive ids and unique emails', async () => {
    // Act
    const customers = await rowsOf('customers.json', customerSchema);

    // Assess
    expect(customers).toHaveLength(1000);
    expect(CUSTOMER_COUNT).toBe(1000);
    expect(customers.map((customer) => customer.user_id)).toEqual(Array.from({ length: 1000 }, (_, index) => `USR-${String(index + 1).padStart(5, '0')}`));
    expect(new Set(customers.map((customer) => customer.email)).size).toBe(1000);
  });

  it('places each customer in the census region of their state', async () => {
    // Act
    const customers = await rowsOf('customers.json', customerSchema);

    // Assess
    expect(customers.filter((customer) => STATE_REGION[customer.state] !== customer.region)).toEqual([]);
  });

  it('prices each product inside its category band, at a cost no higher than its price', async () => {
    // Act
    const products = await rowsOf('products.json', productSchema);

    // Assess
    const outOfBand = products.filter((product) => {
      const spec = CATEGORIES[product.category];
      if (!spec || !spec.subcategories.includes(product.subcategory)) return true;
      const [low, high] = spec.price;
      return product.msrp < low - 0.005 || product.msrp > high + 0.005 || product.cost_price > product.msrp;
    });
    expect(outOfBand).toEqual([]);
  });
});

describe('writeReferenceData', () => {
  it('reproduces the committed files byte for byte', async () => {
    // Prepare
    const dir = pathToFileURL(`${output.path}/`);

    // Act
    const paths = await writeReferenceData(dir);

    // Assess
    expect(paths).toHaveLength(2);
    for (const name of ['products.json', 'customers.json']) {
      const generated = await readFile(new URL(name, dir));
      expect(generated.equals(await committed(name)), name).toBe(true);
    }
  });
});
