/** Product Analytics: top products, a category treemap, and cart-to-purchase by category. */
import type { EChartsOption } from 'echarts';
import type { DashboardData } from '../dashboard-data.js';
import { categoryChart, formatter, PALETTE } from '../chart-options.js';
import type { DashboardPage } from '../page-model.js';

/** How many products the top table lists (the view ranks them all). */
export const TOP_PRODUCTS = 10;

/** Categories sized by their revenue (measure_pct_of_total_revenue), each opening onto its products (measure_product_rank). */
const treemap = (data: DashboardData): EChartsOption => ({
  color: PALETTE,
  tooltip: { valueFormatter: formatter('currency') },
  series: [
    {
      type: 'treemap',
      name: 'Revenue',
      leafDepth: 1,
      roam: false,
      breadcrumb: { show: true, bottom: 0 },
      label: { show: true, formatter: '{b}' },
      upperLabel: { show: false },
      data: data.categories.map((category) => ({
        name: category.category,
        value: category.revenue,
        children: data.products
          .filter((product) => product.category === category.category)
          .map((product) => ({ name: product.product_name, value: product.revenue })),
      })),
    },
  ],
});

export const productAnalyticsPage = (data: DashboardData): DashboardPage => {
  const top = data.products.filter((product) => product.product_rank <= TOP_PRODUCTS);
  return {
    id: 'product-analytics',
    title: 'Product Analytics',
    summary: 'Best sellers by revenue, where revenue comes from, and how many carted products are bought.',
    blocks: [
      {
        kind: 'table',
        table: {
          id: 'top-products',
          title: `Top ${TOP_PRODUCTS} products by revenue`,
          source: `gold.measure_product_rank (product_rank <= ${TOP_PRODUCTS})`,
          columns: [
            { label: 'Rank', format: 'count' },
            { label: 'Product', format: 'text' },
            { label: 'Category', format: 'text' },
            { label: 'Revenue', format: 'currency' },
            { label: 'Units', format: 'count' },
            { label: 'Orders', format: 'count' },
          ],
          rows: top.map((product) => [product.product_rank, product.product_name, product.category, product.revenue, product.units_sold, product.orders]),
          empty: 'No completed sales yet.',
        },
      },
      {
        kind: 'chart',
        chart: { id: 'category-treemap', title: 'Revenue by category (click a category for its products)', source: 'gold.measure_pct_of_total_revenue, gold.measure_product_rank', option: treemap(data) },
      },
      {
        kind: 'chart',
        chart: {
          id: 'cart-to-purchase',
          title: 'Cart to purchase by category',
          source: 'gold.measure_cart_to_purchase_rate',
          wide: true,
          option: categoryChart(
            data.cartToPurchase.map((row) => row.category),
            [
              { name: 'Add-to-cart events', values: data.cartToPurchase.map((row) => row.add_to_cart_events), format: 'count' },
              { name: 'Purchased lines', values: data.cartToPurchase.map((row) => row.purchased_lines), format: 'count' },
              { name: 'Cart to purchase rate', values: data.cartToPurchase.map((row) => row.cart_to_purchase_rate), format: 'percent', type: 'line', axis: 1 },
            ],
          ),
        },
      },
    ],
  };
};
