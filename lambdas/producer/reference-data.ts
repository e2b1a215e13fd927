/** The reference data producers draw ids from (the committed files in `data/`). */
import customers from '../../data/customers.json' with { type: 'json' };
import products from '../../data/products.json' with { type: 'json' };
import type { Customer, Product } from '../shared/contracts/reference.js';

export const PRODUCTS: readonly Product[] = products;
export const CUSTOMERS: readonly Customer[] = customers as Customer[];
