/**
 * Number formats for the page's text (KPI cards, tables). The browser formats chart labels and
 * tooltips with the same rules (client-script.ts); neither changes a value, they only show it.
 */
import type { WarehouseValue } from '../shared/ports/warehouse.js';
import type { ValueFormat } from './page-model.js';

const currency = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const change = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** What a missing value (SQL NULL) shows. */
export const MISSING = 'n/a';

export const formatValue = (value: WarehouseValue | undefined, format: ValueFormat): string => {
  if (value === null || value === undefined) return MISSING;
  if (typeof value !== 'number' || format === 'text') return String(value);
  switch (format) {
    case 'currency':
      return currency.format(value);
    case 'count':
      return count.format(value);
    case 'percent':
      return percent.format(value);
    case 'change':
      return change.format(value);
    case 'decimal':
      return decimal.format(value);
  }
};
