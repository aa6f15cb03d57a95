import { SORTABLE_TIME_OFFSET } from '../sql/dialect.js';

/**
 * The per-person cart walk behind the cart-abandonment kind: a person's cart and order events in time order
 * become carts, each converted, abandoned or still pending. Pure (no SQL), so the rules read in one place.
 */

export interface CartTrailEvent {
  ts: number;
  kind: 'cart' | 'order';
  /** The event's revenue column (revenue, else total, else value): Checkout Started's cart value, an order's revenue. */
  revenue: number | null;
  /** price × quantity (quantity 1 when absent) of a cart event carrying a price, else null. */
  amount: number | null;
  cartId: string | null;
}

export type CartOutcome = 'converted' | 'abandoned' | 'pending';

export interface Cart {
  start: number;
  last: number;
  key: string | null;
  outcome: CartOutcome;
  /** The latest revenue a cart event of this cart carried, else the sum of its amounts. */
  value: number;
  /** Abandoned carts: the index (in the person's orders) of the order that recovered it, else null. */
  recoveredBy: number | null;
}

export interface CartWalkOptions {
  windowMs: number;
  recoveryMs: number;
  /** Now, for the walk: an open cart whose window has not passed by then is pending. */
  asOf: number;
}

interface OpenCart extends Cart {
  lastRevenue: number | null;
  amounts: number;
}

export interface PersonCarts {
  carts: Cart[];
  orders: { ts: number; revenue: number }[];
}

/**
 * Carts of one person. A cart event with a `cart_id` joins the open cart with that id (or adopts the open cart
 * without an id); one without joins the most recently active open cart; otherwise it opens a cart. An order
 * closes the open cart with its `cart_id` as converted — or, when it has none or names no open cart, every open
 * cart. A cart with no order within `window` of its last cart event (inclusive) is abandoned (pending while that
 * window has not passed by `asOf`); a later cart event then opens a new cart.
 */
export function walkCarts(trail: CartTrailEvent[], o: CartWalkOptions): PersonCarts {
  const carts: OpenCart[] = [];
  let open: OpenCart[] = [];
  const orders: { ts: number; revenue: number }[] = [];
  const close = (cart: OpenCart, outcome: CartOutcome) => {
    cart.outcome = outcome;
    open = open.filter((c) => c !== cart);
  };
  for (const e of trail) {
    for (const cart of open) if (e.ts > cart.last + o.windowMs) close(cart, 'abandoned');
    if (e.kind === 'order') {
      orders.push({ ts: e.ts, revenue: e.revenue ?? 0 });
      const named = e.cartId === null ? undefined : open.find((c) => c.key === e.cartId);
      for (const cart of named ? [named] : [...open]) close(cart, 'converted');
      continue;
    }
    let cart = e.cartId === null ? latest(open) : (open.find((c) => c.key === e.cartId) ?? open.find((c) => c.key === null));
    if (!cart) {
      cart = { start: e.ts, last: e.ts, key: e.cartId, outcome: 'pending', value: 0, recoveredBy: null, lastRevenue: null, amounts: 0 };
      carts.push(cart);
      open.push(cart);
    }
    if (cart.key === null) cart.key = e.cartId;
    cart.last = e.ts;
    if (e.revenue !== null) cart.lastRevenue = e.revenue;
    if (e.amount !== null) cart.amounts += e.amount;
  }
  for (const cart of open) cart.outcome = o.asOf > cart.last + o.windowMs ? 'abandoned' : 'pending';
  for (const cart of carts) {
    cart.value = cart.lastRevenue ?? cart.amounts;
    if (cart.outcome !== 'abandoned') continue;
    const deadline = cart.last + o.windowMs;
    const found = orders.findIndex((order) => order.ts > deadline);
    if (found >= 0 && orders[found]!.ts <= deadline + o.recoveryMs) cart.recoveredBy = found;
  }
  return { carts, orders };
}

function latest(open: OpenCart[]): OpenCart | undefined {
  let found: OpenCart | undefined;
  for (const cart of open) if (!found || cart.last >= found.last) found = cart;
  return found;
}

/** Parse a trail built in SQL: items `sortableTime␟kind␟revenue␟amount␟cartId` joined by `sep`, already in time order. */
export function parseCartTrail(text: string, sep: string, fieldSep: string): CartTrailEvent[] {
  if (text === '') return [];
  const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));
  return text.split(sep).map((item) => {
    const [ts, kind, revenue, amount, cartId] = item.split(fieldSep);
    return {
      ts: Number(ts) - SORTABLE_TIME_OFFSET,
      kind: kind === 'o' ? 'order' : 'cart',
      revenue: num(revenue),
      amount: num(amount),
      cartId: cartId === undefined || cartId === '' ? null : cartId,
    };
  });
}
