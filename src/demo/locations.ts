import type { Actor, Device } from './actor.js';
import { STORES } from './catalogue.js';
import { DAY } from '../core/units.js';
import { type CustomerPlan } from './customers.js';
import { DESIGN } from './planted.js';
import { Visit } from './sessions.js';

/**
 * Location Updated pings from the store app (crumbtrail.location()), about weekly while the customer is active,
 * within a few hundred metres of their home store: enough for "visited a store" geofences later.
 */
export function scheduleLocations(actor: Actor, customer: CustomerPlan, device: () => Device): void {
  if (!customer.usesApp) return;
  const { timeline, rng } = actor;
  const homeId = rng.pick(customer.region.stores);
  const home = STORES.find((s) => s.id === homeId)!;
  const until = Math.min(customer.aliveUntil, timeline.endMs);
  for (let at = customer.signupAt + rng.exponential(7 * DAY / DESIGN.pingsPerWeek); at < until; at += rng.exponential(7 * DAY / DESIGN.pingsPerWeek)) {
    const pingAt = Math.floor(at);
    timeline.schedule(pingAt, () => {
      // ~0.001° is ~100 m: most pings are inside or just outside the store.
      const lat = Math.round((home.lat + rng.normal() * 0.0015) * 1e6) / 1e6;
      const lng = Math.round((home.lng + rng.normal() * 0.0015) * 1e6) / 1e6;
      new Visit(actor, device(), pingAt).track(pingAt, 'Location Updated', { lat, lng, accuracy: rng.int(5, 60) });
    });
  }
}
