/**
 * Contract of the reference (dimension) data in `data/`: what the generator writes, what producers
 * draw ids from, and what the loader accepts when a new file is dropped under `reference/`.
 */
import { z } from 'zod';
import { ACCOUNT_TYPES, REGIONS, STATE_CODES } from './domain.js';

const isoDate = z.iso.date();

export const productSchema = z.object({
  product_id: z.string().regex(/^PRD-\d{5}$/),
  product_name: z.string().min(1).max(200),
  description: z.string().max(2000),
  category: z.string().min(1).max(100),
  subcategory: z.string().min(1).max(100),
  brand: z.string().min(1).max(100),
  manufacturer: z.string().min(1).max(200),
  msrp: z.number().nonnegative(),
  cost_price: z.number().nonnegative(),
  created_date: isoDate,
  is_active: z.boolean(),
});
export type Product = z.infer<typeof productSchema>;

export const customerSchema = z.object({
  user_id: z.string().regex(/^USR-\d{5}$/),
  email: z.email(),
  first_name: z.string().min(1).max(100),
  last_name: z.string().min(1).max(100),
  registration_date: isoDate,
  account_type: z.enum(ACCOUNT_TYPES),
  date_of_birth: isoDate,
  loyalty_points: z.number().int().nonnegative(),
  state: z.enum(STATE_CODES as [string, ...string[]]),
  region: z.enum(REGIONS),
});
export type Customer = z.infer<typeof customerSchema>;

/** Formats ids the same way everywhere (`PRD-00042`, `USR-00007`). */
export const productIdFor = (n: number): string => `PRD-${String(n).padStart(5, '0')}`;
export const userIdFor = (n: number): string => `USR-${String(n).padStart(5, '0')}`;
