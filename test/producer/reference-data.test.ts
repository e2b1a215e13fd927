import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CUSTOMERS, PRODUCTS } from '../../lambdas/producer/reference-data.js';

const committed = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../data/${name}`, import.meta.url), 'utf8'));

// The files' own validity is checked with the generator (test/data); here: producers draw from exactly them.
describe('reference data for the producers', () => {
  it('exposes exactly the committed data/products.json', () => {
    // Prepare
    const expected = committed('products.json');

    // Act / Assess
    expect(PRODUCTS).toEqual(expected);
    expect(PRODUCTS).toHaveLength(2_000);
  });

  it('exposes exactly the committed data/customers.json', () => {
    // Prepare
    const expected = committed('customers.json');

    // Act / Assess
    expect(CUSTOMERS).toEqual(expected);
    expect(CUSTOMERS).toHaveLength(1_000);
  });
});
