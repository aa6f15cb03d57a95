// Helpers for the Segment e-commerce spec v2 events: crumbtrail.ecommerce.productViewed(product) sends
// "Product Viewed", orderCompleted(order) sends "Order Completed", and so on (method = camelCase of the name).
import { isObject, type Props } from './util.js';

export const ECOMMERCE_EVENTS = [
  'Products Searched',
  'Product List Viewed',
  'Product List Filtered',
  'Product Clicked',
  'Product Viewed',
  'Product Added',
  'Product Removed',
  'Cart Viewed',
  'Checkout Started',
  'Checkout Step Viewed',
  'Checkout Step Completed',
  'Payment Info Entered',
  'Order Completed',
  'Order Updated',
  'Order Refunded',
  'Order Cancelled',
  'Coupon Entered',
  'Coupon Applied',
  'Coupon Denied',
  'Coupon Removed',
  'Promotion Viewed',
  'Promotion Clicked',
  'Product Added to Wishlist',
  'Product Removed from Wishlist',
  'Product Shared',
  'Cart Shared',
  'Product Reviewed',
];

const methodName = (event: string): string =>
  event
    .split(' ')
    .map((word, i) => (i ? word[0]!.toUpperCase() + word.slice(1) : word.toLowerCase()))
    .join('');

/** The spec names a product's id `product_id`; accept `id` too, as shops' own objects often say. */
function product(p: unknown): unknown {
  if (!isObject(p)) return p;
  const out: Props = { ...p };
  if (out.product_id == null && out.id != null) out.product_id = out.id;
  delete out.id;
  return out;
}

function normalise(event: string, props: unknown): Props {
  const out = product(isObject(props) ? props : {}) as Props;
  if (Array.isArray(out.products)) out.products = out.products.map(product);
  // Revenue is what value models read; an order that states only its total earned that total.
  if (event === 'Order Completed' && out.revenue == null && out.total != null) out.revenue = out.total;
  return out;
}

export function ecommerceHelpers(track: (event: string, props: Props) => void): Record<string, (props?: Props) => void> {
  const helpers: Record<string, (props?: Props) => void> = {};
  for (const event of ECOMMERCE_EVENTS) helpers[methodName(event)] = (props) => track(event, normalise(event, props));
  return helpers;
}
