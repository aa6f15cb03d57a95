import { SECOND } from '../core/units.js';
import { CONTENT_PAGES, CURRENCY, PRODUCTS, SEARCH_QUERIES, type Product } from './catalogue.js';
import { DESIGN } from './planted.js';
import type { Rng } from './random.js';
import type { Visit } from './sessions.js';

/** Browsing, carts and orders inside a visit (Segment e-commerce spec v2 names, EVENTS.md). */

const TRAP = PRODUCTS.find((p) => p.id === DESIGN.dwellTrap.productId)!;
const REGULAR = PRODUCTS.filter((p) => p !== TRAP);

const productSpec = (p: Product) => ({ name: 'Product', path: `/p/${p.slug}`, title: `${p.name} — Crumb & Co.`, category: p.category });
const productProps = (p: Product) => ({ product_id: p.id, sku: p.sku, name: p.name, category: p.category, price: p.price, currency: CURRENCY });

export interface Line {
  product: Product;
  quantity: number;
}
const lineProps = (l: Line) => ({ ...productProps(l.product), quantity: l.quantity });
const totalOf = (lines: Line[]) => Math.round(lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0) * 100) / 100;

/** Cheaper products sell more often. */
const pickRegular = (rng: Rng) => rng.weighted(REGULAR, (p) => 1 / Math.sqrt(p.price));

/** The dwell trap draws a fixed share of product views, and holds them far longer than other pages. */
function pickViewed(rng: Rng): Product {
  return rng.chance(DESIGN.dwellTrap.viewShare) ? TRAP : pickRegular(rng);
}

function dwellMs(rng: Rng, product: Product | null): number {
  if (product === TRAP) return rng.logNormal(DESIGN.dwellTrap.dwellMedianSeconds * SECOND, 0.5);
  if (product) return rng.logNormal(35 * SECOND, 0.6);
  return rng.logNormal(20 * SECOND, 0.7);
}

/** A product page view (Product Viewed), optionally adding it to a cart (Product Added) before leaving. */
function viewProduct(visit: Visit, product: Product, add: { cartId: string; quantity: number } | null): void {
  const rng = visit.actor.rng;
  visit.page(productSpec(product), dwellMs(rng, product), ({ start, end }) => {
    visit.track(start + 400, 'Product Viewed', productProps(product));
    if (add) visit.track(Math.max(start + 500, end - 2 * SECOND), 'Product Added', { cart_id: add.cartId, ...lineProps({ product, quantity: add.quantity }) });
  });
}

/** Wandering: content pages, a search now and then, product pages; nothing is added. */
export function browse(visit: Visit, pages: number): void {
  const rng = visit.actor.rng;
  for (let i = 0; i < pages; i++) {
    if (rng.chance(0.45)) {
      viewProduct(visit, pickViewed(rng), null);
    } else {
      const page = i === 0 ? CONTENT_PAGES[0] : rng.pick(CONTENT_PAGES);
      visit.page(page, dwellMs(rng, null), ({ start }) => {
        if (rng.chance(0.1)) visit.track(start + 2 * SECOND, 'Products Searched', { query: rng.pick(SEARCH_QUERIES) });
      });
    }
  }
}

function cartPage(visit: Visit, cartId: string, lines: Line[]): void {
  visit.page({ name: 'Cart', path: '/cart', title: 'Your cart' }, dwellMs(visit.actor.rng, null), ({ start }) => {
    visit.track(start + 300, 'Cart Viewed', { cart_id: cartId, products: lines.map(lineProps) });
  });
}

/**
 * A cart that is never ordered: products viewed and added (the dwell trap only at its tiny add rate), sometimes
 * the cart page, sometimes even the checkout; then the visitor leaves.
 */
export function abandonCart(visit: Visit, cartId: string): void {
  const rng = visit.actor.rng;
  browse(visit, rng.int(0, 2));
  const lines: Line[] = [];
  const wanted = rng.int(1, 3);
  for (let guard = 0; lines.length < wanted && guard < 12; guard++) {
    const product = pickViewed(rng);
    const adds = product === TRAP ? rng.chance(DESIGN.dwellTrap.addToCartRate) : rng.chance(0.6);
    const line = { product, quantity: 1 };
    viewProduct(visit, product, adds ? { cartId, quantity: 1 } : null);
    if (adds) lines.push(line);
  }
  if (lines.length === 0) return;
  if (rng.chance(0.5)) cartPage(visit, cartId, lines);
  if (rng.chance(0.3)) {
    visit.page({ name: 'Checkout', path: '/checkout', title: 'Checkout' }, dwellMs(rng, null), ({ start }) => {
      const total = totalOf(lines);
      visit.track(start + 500, 'Checkout Started', { cart_id: cartId, value: total, revenue: total, currency: CURRENCY, products: lines.map(lineProps) });
    });
  }
}

/** Lines adding up to about `target` (gamma-gamma spend): whole products, so the order total is near the target. */
export function basketFor(rng: Rng, target: number): Line[] {
  const lines: Line[] = [];
  while (lines.length < 6 && (lines.length === 0 || totalOf(lines) < target * 0.85)) {
    const product = pickRegular(rng);
    const existing = lines.find((l) => l.product === product);
    if (existing) existing.quantity++;
    else lines.push({ product, quantity: 1 });
  }
  return lines;
}

export interface OrderPlan {
  orderId: string;
  cartId: string;
  lines: Line[];
  /** The first payment attempt is declined (Payment Failed), the retry succeeds. */
  paymentFails: boolean;
}

/** A purchase: each product viewed and added, the cart, checkout, payment, Order Completed. Returns the total. */
export function purchase(visit: Visit, order: OrderPlan, beforeCheckout?: () => void): number {
  const rng = visit.actor.rng;
  browse(visit, rng.int(0, 2));
  for (const line of order.lines) viewProduct(visit, line.product, { cartId: order.cartId, quantity: line.quantity });
  cartPage(visit, order.cartId, order.lines);
  beforeCheckout?.();
  const total = totalOf(order.lines);
  const products = order.lines.map(lineProps);
  // At least 50 s on the checkout page: the payment steps below all happen inside the page view.
  visit.page({ name: 'Checkout', path: '/checkout', title: 'Checkout' }, 50 * SECOND + rng.logNormal(20 * SECOND, 0.6), ({ start, end }) => {
    visit.track(start + 500, 'Checkout Started', { order_id: order.orderId, cart_id: order.cartId, value: total, revenue: total, currency: CURRENCY, products });
    visit.track(start + 20 * SECOND, 'Payment Info Entered', { order_id: order.orderId, payment_method: 'card' });
    if (order.paymentFails) {
      visit.track(start + 22 * SECOND, 'Payment Failed', { order_id: order.orderId, amount: total, currency: CURRENCY, reason: rng.pick(['card_declined', 'expired_card']) });
      visit.track(start + 40 * SECOND, 'Payment Info Entered', { order_id: order.orderId, payment_method: 'card' });
    }
    visit.track(end - SECOND, 'Order Completed', { order_id: order.orderId, cart_id: order.cartId, total, revenue: total, currency: CURRENCY, products });
  });
  visit.page({ name: 'Order Confirmation', path: '/checkout/thanks', title: 'Thank you!' }, dwellMs(rng, null));
  return total;
}
