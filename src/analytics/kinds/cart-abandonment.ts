import { z } from 'zod';
import { commonFields, durationMs, durationSchema, eventMatchSchema, isoTimeSchema, timeRange } from '../definition.js';
import { eventCondition, scopedEvents } from '../sql/filters.js';
import { Params } from '../sql/params.js';
import { parseCartTrail, walkCarts, type Cart, type PersonCarts } from './cart-abandonment-walk.js';
import { defineKind, FIELD_SEP, fields, forEachRowInPasses, ITEM_SEP, ratio, sortedSum, type QueryContext } from './kind.js';
import { periodOf, periodStartIso } from './retention-periods.js';

export const cartAbandonmentSchema = z.strictObject({
  cart: z.array(eventMatchSchema).min(1).max(10).default([{ event: 'Product Added' }, { event: 'Checkout Started' }])
    .describe('Events that put something in a cart or start a checkout'),
  order: eventMatchSchema.default({ event: 'Order Completed' }).describe('The event that completes a cart'),
  window: durationSchema.default('24h').describe('A cart with no order within this time of its last cart event is abandoned'),
  recoveryWindow: durationSchema.default('7d').describe('An abandoned cart is recovered by an order within this time after its window ended'),
  asOf: isoTimeSchema.optional().describe('Treat this time as now: later events are ignored, carts whose window has not passed are pending (default: now)'),
  ...commonFields,
});
export type CartAbandonmentDefinition = z.output<typeof cartAbandonmentSchema>;

interface Tally {
  carts: number;
  converted: number;
  abandoned: number;
  pending: number;
  /** abandoned / (abandoned + converted): pending carts have no outcome yet. */
  rate: number;
  abandonedValue: number;
}

/** Counts of one group of carts; abandoned values are kept to be summed in a fixed order at the end. */
class Counter {
  carts = 0;
  converted = 0;
  abandoned = 0;
  pending = 0;
  readonly values: number[] = [];

  add(cart: Cart): void {
    this.carts++;
    this[cart.outcome]++;
    if (cart.outcome === 'abandoned') this.values.push(cart.value);
  }

  tally(): Tally {
    return {
      carts: this.carts,
      converted: this.converted,
      abandoned: this.abandoned,
      pending: this.pending,
      rate: ratio(this.abandoned, this.abandoned + this.converted),
      abandonedValue: sortedSum(this.values),
    };
  }
}

/** Walk every person with a cart: their carts (outcomes decided as of `asOf`) and their orders. */
async function forEachPerson(def: CartAbandonmentDefinition, ctx: QueryContext, visit: (pid: string, person: PersonCarts) => void): Promise<void> {
  const d = ctx.dialect;
  const p = new Params();
  const windowMs = durationMs(def.window);
  const recoveryMs = durationMs(def.recoveryWindow);
  const range = timeRange(def);
  const asOf = def.asOf === undefined ? ctx.clock.now() : Date.parse(def.asOf);
  // Carts start in [from, to); orders are followed past `to` for as long as a cart's window and recovery last.
  const cartEnd = Math.min(range.to ?? Infinity, asOf);
  const eventEnd = Math.min(range.to === undefined ? Infinity : range.to + windowMs + recoveryMs, asOf);
  // Only cart and order events matter: the scan skips the rest before the alias join.
  const names = [...def.cart.map((m) => m.event), def.order.event];
  const events = scopedEvents(d, p, { from: range.from, to: eventEnd }, def.where, names);
  const isCart = `(${def.cart.map((m) => eventCondition(m, d, p)).join(' OR ')})${Number.isFinite(cartEnd) ? ` AND ts < ${p.add(cartEnd)}` : ''}`;
  const isOrder = eventCondition(def.order, d, p);
  const price = d.jsonNumber('properties', p.add('price'));
  const quantity = `COALESCE(${d.jsonNumber('properties', p.add('quantity'))}, 1)`;
  const cartId = d.strip(d.strip(`COALESCE(${d.jsonText('properties', p.add('cart_id'))}, '')`, ITEM_SEP), FIELD_SEP);
  const item = fields(d, d.sortableTime('ts'), 'k', d.numberText('revenue'), d.numberText(`${price} * ${quantity}`), 'cart_id');
  const sql = (inPass: string) => `SELECT pid, trail FROM (
      SELECT pid, ${d.sortedJoin('item', ITEM_SEP)} AS trail, ${d.countIf("k = 'c'")} AS cart_events FROM (
        SELECT pid, ts, k, ${item} AS item FROM (
          SELECT pid, ts, CASE WHEN ${isCart} THEN 'c' WHEN ${isOrder} THEN 'o' ELSE '' END AS k, revenue, properties,
            ${cartId} AS cart_id FROM ${events} WHERE ${inPass}
        ) WHERE k <> ''
      ) GROUP BY pid
    ) WHERE cart_events > 0`;
  const options = { windowMs, recoveryMs, asOf };
  // Streamed, in passes over shares of the people: one person's trail at a time is all that is held in the heap,
  // and a pass's share of the trails is all DuckDB holds (at 10M events the trails are most of the memory).
  await forEachRowInPasses<{ pid: string; trail: string }>(ctx, p, 'pid', sql, (row) =>
    visit(String(row.pid), walkCarts(parseCartTrail(row.trail, ITEM_SEP, FIELD_SEP), options)),
  );
}

async function runCartAbandonment(def: CartAbandonmentDefinition, ctx: QueryContext) {
  const total = new Counter();
  const byDay = new Map<number, Counter>();
  const recovered = { carts: 0, orders: 0, revenue: 0 };
  const recoveredRevenues: number[] = [];
  await forEachPerson(def, ctx, (_, person) => {
    const orders = new Set<number>();
    for (const cart of person.carts) {
      total.add(cart);
      const day = periodOf(cart.start, 'day');
      let counter = byDay.get(day);
      if (!counter) byDay.set(day, (counter = new Counter()));
      counter.add(cart);
      if (cart.recoveredBy === null) continue;
      recovered.carts++;
      orders.add(cart.recoveredBy);
    }
    recovered.orders += orders.size;
    for (const i of orders) recoveredRevenues.push(person.orders[i]!.revenue);
  });
  recovered.revenue = sortedSum(recoveredRevenues);
  return {
    ...total.tally(),
    recovered,
    byDay: [...byDay.entries()]
      .sort(([a], [b]) => a - b)
      .map(([day, counter]) => ({ day: periodStartIso(day, 'day').slice(0, 10), ...counter.tally() })),
  };
}

/**
 * Per-person traits for profiles (what a cart reminder needs): `abandonedCart` — the person's latest cart was
 * abandoned and no order of theirs followed it — with that cart's `abandonedCartValue` and `abandonedCartAt`
 * (its last cart event, ISO); false and nulls otherwise (a pending cart is not abandoned yet). One row per
 * person with a cart under the definition (defaults: every cart, as of now).
 */
export async function computeCartAbandonmentTraits(ctx: QueryContext, definition: z.input<typeof cartAbandonmentSchema> = {}) {
  const def = cartAbandonmentSchema.parse(definition);
  const rows: { personId: string; traits: { abandonedCart: boolean; abandonedCartValue: number | null; abandonedCartAt: string | null } }[] = [];
  await forEachPerson(def, ctx, (pid, person) => {
    const latest = person.carts[person.carts.length - 1]!;
    const open = latest.outcome === 'abandoned' && !person.orders.some((o) => o.ts > latest.last);
    rows.push({
      personId: pid,
      traits: { abandonedCart: open, abandonedCartValue: open ? latest.value : null, abandonedCartAt: open ? new Date(latest.last).toISOString() : null },
    });
  });
  return rows;
}

export const cartAbandonment = defineKind({
  name: 'cart-abandonment',
  summary: 'Carts not followed by an order within a window: counts, rate, abandoned value by day, and recovered orders',
  schema: cartAbandonmentSchema,
  run: runCartAbandonment,
});
