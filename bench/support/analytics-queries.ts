/** The definitions bench:analytics times, one per query kind that exists (targets from issue 5). */

export interface BenchQuery {
  label: string;
  kind: string;
  definition: unknown;
  target?: string;
}

/** Every kind's benchmark query (a kind missing from the build fails the run with the server's 404). */
export const ENGINE_QUERIES: readonly BenchQuery[] = [
  {
    label: 'funnel (4 steps, 7 d)',
    kind: 'funnel',
    definition: { steps: [{ event: 'Product Viewed' }, { event: 'Product Added' }, { event: 'Checkout Started' }, { event: 'Order Completed' }], window: '7d' },
    target: '≤ 1 s',
  },
  {
    label: 'funnel (4 steps, 7 d, breakdown by category)',
    kind: 'funnel',
    definition: { steps: [{ event: 'Product Viewed' }, { event: 'Product Added' }, { event: 'Checkout Started' }, { event: 'Order Completed' }], window: '7d', breakdown: { property: 'category' } },
  },
  { label: 'retention (12 weeks)', kind: 'retention', definition: { period: 'week', periods: 12 }, target: '≤ 1 s' },
  { label: 'onboarding (Signed Up → Order Completed)', kind: 'onboarding', definition: { start: { event: 'Signed Up' }, completion: { event: 'Order Completed' } } },
  { label: 'lifecycle (stages + transitions)', kind: 'lifecycle', definition: {} },
  { label: 'cart-abandonment (24 h)', kind: 'cart-abandonment', definition: {} },
  { label: 'engagement (product pages)', kind: 'engagement', definition: { pathPrefix: '/products/' } },
  { label: 'paths (3 steps after a page view)', kind: 'paths', definition: { event: { event: '$page' } } },
  { label: 'attribution (linear, source)', kind: 'attribution', definition: { model: 'linear' } },
  { label: 'churn-drivers (60 d, every event name)', kind: 'churn-drivers', definition: { churnEvent: { event: 'Subscription Cancelled' }, lookback: '60d' }, target: '≤ 3 s' },
];
