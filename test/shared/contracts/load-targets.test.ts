import { describe, expect, it } from 'vitest';
import { loadTargetFor } from '../../../lambdas/shared/contracts/load-targets.js';

describe('loadTargetFor', () => {
  it.each([
    ['gold/user_events/dt=2025-03-01/user_events+0+0-99.csv.gz', 'raw_user_events', 'csv'],
    ['gold/transactions/dt=2025-03-01/transactions+2+100-199.csv.gz', 'raw_transactions', 'csv'],
    ['reference/products.json', 'raw_products', 'json'],
    ['reference/customers.json', 'raw_customers', 'json'],
    ['reference/2025-06/customers-fixed.csv', 'raw_customers', 'csv'],
    ['reference/products.csv.gz', 'raw_products', 'csv'],
    ['quarantine/user_events/dt=2025-03-01/user_events+0+0-99.ndjson.gz', 'raw_quarantine', 'ndjson'],
  ])('%s loads into %s from %s', (key, table, format) => {
    expect(loadTargetFor(key)).toMatchObject({ bronze: { table: { schema: 'bronze', name: table } }, format });
  });

  it.each([
    'landing/user_events/dt=2025-03-01/user_events+0+0-99.ndjson.gz',
    'gold/unknown_table/dt=2025-03-01/x+0+0-1.csv.gz',
    'gold/user_events/dt=2025-03-01/user_events+0+0-99.csv',
    'reference/orders.json',
    'onfailure/user_events/user_events+0+0-99.json',
  ])('does not load %s', (key) => {
    expect(loadTargetFor(key)).toBeUndefined();
  });
});
