import type { Actor } from './actor.js';
import { CURRENCY, TICKET_CHANNELS, TICKET_TOPICS } from './catalogue.js';
import { DAY, HOUR } from '../core/units.js';
import { type CustomerPlan } from './customers.js';
import { DEFINITIONS, DESIGN } from './planted.js';

/**
 * Support tickets (backend events): Ticket Opened, then Ticket Resolved with resolution_hours and csat 1–5.
 * Ordinary tickets are resolved within 60 hours and mostly rated 4–5; the planted bad experience takes 80–240
 * hours and is rated 1–2 (DEFINITIONS.lowCsat, DEFINITIONS.longResolutionHours). A damaged item is refunded
 * (Order Refunded).
 */

export interface OrderRecord {
  orderId: string;
  total: number;
}

const CSAT_ORDINARY = [
  { csat: 5, weight: 50 },
  { csat: 4, weight: 36 },
  { csat: 3, weight: 10 },
  { csat: 2, weight: 3 },
  { csat: 1, weight: 1 },
];

export function scheduleSupport(actor: Actor, customer: CustomerPlan, orders: () => OrderRecord[]): void {
  const { timeline, rng } = actor;
  let tickets = 0;
  const open = (at: number, bad: boolean) => {
    timeline.schedule(at, () => {
      const ticketId = `${customer.userId}-t${++tickets}`;
      const last = orders().at(-1);
      const topic = bad ? rng.pick(['shipping_delay', 'billing', 'damaged_item']) : rng.pick(TICKET_TOPICS);
      actor.server(at, 'Ticket Opened', { ticket_id: ticketId, channel: rng.pick(TICKET_CHANNELS), topic });
      const hours = bad
        ? Math.round(rng.between(DEFINITIONS.longResolutionHours + 8, 240))
        : Math.min(60, Math.max(1, Math.round(rng.logNormal(8, 0.8))));
      const csat = bad ? rng.int(1, DEFINITIONS.lowCsat) : rng.weighted(CSAT_ORDINARY, (c) => c.weight).csat;
      const resolvedAt = at + hours * HOUR;
      actor.server(resolvedAt, 'Ticket Resolved', { ticket_id: ticketId, resolution_hours: hours, csat });
      if (topic === 'damaged_item' && last) {
        // Refund revenue is negative, so summing revenue gives net spend (docs/demo-data.md).
        actor.server(resolvedAt + 1000, 'Order Refunded', { order_id: last.orderId, total: last.total, revenue: -last.total, currency: CURRENCY });
      }
    });
  };

  const from = customer.signupAt + DAY;
  const until = Math.min(customer.aliveUntil, timeline.endMs);
  const years = Math.max(0, until - from) / (365 * DAY);
  let count = 0;
  for (let expected = DESIGN.ticketsPerCustomerYear * years; rng.uniform() < expected; expected -= 1) count++;
  for (let i = 0; i < count; i++) open(Math.floor(rng.between(from, until)), false);
  const bad = customer.subscription?.badTicketAt;
  if (bad != null) open(bad, true);
}
