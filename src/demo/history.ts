import { Actor, type Device } from './actor.js';
import { CHANNELS, REGIONS } from './catalogue.js';
import { DAY, HOUR } from '../core/units.js';
import { planCustomer, userAgentFor, type CustomerPlan } from './customers.js';
import { scheduleLocations } from './locations.js';
import { DESIGN } from './planted.js';
import { Rng, subSeed } from './random.js';
import { Visit, type Arrival } from './sessions.js';
import { abandonCart, basketFor, browse, purchase, type OrderPlan } from './shopping.js';
import { scheduleSocial } from './social.js';
import { scheduleSubscription } from './subscriptions.js';
import { scheduleSupport, type OrderRecord } from './support.js';
import type { Timeline } from './timeline.js';

/**
 * Turns one customer's plan into scheduled episodes: anonymous browsing, the sign-up visit (identify: the
 * anonymous history joins the customer), onboarding, purchases and abandoned carts, a second device that logs
 * in later (a second merge), the membership, tickets, mentions and store pings.
 */

const arrivalOf = (customer: CustomerPlan): Arrival => ({ campaign: customer.channel.campaign, referrer: customer.channel.referrer });
const returning = (rng: Rng): Arrival => (rng.chance(0.2) ? { campaign: null, referrer: 'https://www.google.com/' } : { campaign: null, referrer: '' });

export function scheduleCustomer(timeline: Timeline, runId: string, seed: number, index: number, startMs: number): CustomerPlan {
  const rng = new Rng(subSeed(seed, 'customer', index));
  const customer = planCustomer(index, rng, startMs, timeline.endMs);
  const actor = new Actor(timeline, rng, customer.region, `demo-${runId}-c${index}`, customer.userId);
  const primary: Device = { anonymousId: `anon-${rng.hex(20)}`, userAgent: userAgentFor(rng, customer.mobile), userId: null };
  const second: Device = { anonymousId: `anon-${rng.hex(20)}`, userAgent: userAgentFor(rng, !customer.mobile), userId: null };
  /** The device of a visit after sign-up: the second one too, once the customer has logged in there. */
  const device = () => (second.userId !== null && rng.chance(0.5) ? second : primary);
  const orders: OrderRecord[] = [];
  let carts = 0;
  const nextCartId = () => `${customer.userId}-cart${++carts}`;
  const traits = { email: customer.email, name: customer.name, created_at: new Date(customer.signupAt).toISOString() };

  // Anonymous visits before signing up; the first one arrives through the acquisition channel.
  const before = Array.from({ length: customer.anonymousSessionsBefore }, () => Math.floor(rng.between(customer.firstVisitAt, customer.signupAt - HOUR))).sort((a, b) => a - b);
  before.forEach((at, i) => {
    if (at < startMs) return;
    timeline.schedule(at, () => browse(new Visit(actor, primary, at, i === 0 ? arrivalOf(customer) : returning(rng)), rng.int(1, 5)));
  });

  const orderPlan = (target: number): OrderPlan => ({
    orderId: `${customer.userId}-o${orders.length + 1}`,
    cartId: nextCartId(),
    lines: basketFor(rng, target),
    paymentFails: rng.chance(DESIGN.checkoutPaymentFailureShare),
  });
  const placed = (plan: OrderPlan, total: number) => orders.push({ orderId: plan.orderId, total });

  // The sign-up visit: on the sign-up page, or during the first checkout.
  timeline.schedule(customer.signupAt, () => {
    const visit = new Visit(actor, primary, customer.signupAt, before.length === 0 ? arrivalOf(customer) : returning(rng));
    const signUp = (at: number) => {
      visit.identify(at, customer.userId, traits);
      visit.track(at + 200, 'Signed Up', { method: customer.signupMethod });
      visit.track(at + 1500, 'Onboarding Started', {});
    };
    if (customer.signupMethod === 'checkout' && customer.orders[0]?.at === customer.signupAt) {
      const plan = orderPlan(customer.orders[0].target);
      placed(plan, purchase(visit, plan, () => signUp(visit.t)));
    } else {
      browse(visit, rng.int(1, 3));
      visit.page({ name: 'Sign Up', path: '/signup', title: 'Create your account' }, rng.logNormal(50_000, 0.4), ({ end }) => signUp(end - 2000));
    }
  });

  const onboardedAt = customer.signupAt + customer.onboardingMs;
  timeline.schedule(onboardedAt, () => {
    const visit = new Visit(actor, device(), onboardedAt);
    visit.page({ name: 'Welcome', path: '/welcome', title: 'Set up your taste profile' }, rng.logNormal(90_000, 0.4), ({ end }) => {
      visit.track(end - 1000, 'Onboarding Completed', { steps: 4 });
    });
  });

  // Purchases, each preceded by some abandoned carts since the previous order (comparison shopping).
  let previous = customer.signupAt + HOUR;
  for (const order of customer.orders) {
    if (order.at === customer.signupAt) continue;
    const abandoned = Math.floor(DESIGN.abandonedCartsPerOrder) + (rng.chance(DESIGN.abandonedCartsPerOrder % 1) ? 1 : 0);
    for (let i = 0; i < abandoned; i++) {
      const at = Math.floor(rng.between(Math.max(previous, order.at - 20 * DAY), order.at - HOUR));
      if (at > previous) timeline.schedule(at, () => abandonCart(new Visit(actor, device(), at, returning(rng)), nextCartId()));
    }
    const at = Math.floor(order.at);
    timeline.schedule(at, () => {
      const plan = orderPlan(order.target);
      placed(plan, purchase(new Visit(actor, device(), at, returning(rng)), plan));
    });
    previous = at + HOUR;
  }
  if (customer.orders.length === 0) {
    const abandoned = rng.chance(DESIGN.abandonedCartsPerNonBuyer) ? 1 : 0;
    for (let i = 0; i < abandoned; i++) {
      const at = Math.floor(rng.between(customer.signupAt + HOUR, Math.max(customer.signupAt + 2 * HOUR, customer.aliveUntil)));
      timeline.schedule(at, () => abandonCart(new Visit(actor, device(), at, returning(rng)), nextCartId()));
    }
  }

  // Plain browsing while the customer is still around.
  const aliveUntil = Math.min(customer.aliveUntil, timeline.endMs);
  for (let at = customer.signupAt + rng.exponential(DAY / DESIGN.browseSessionsPerDay); at < aliveUntil; at += rng.exponential(DAY / DESIGN.browseSessionsPerDay)) {
    const start = Math.floor(at);
    timeline.schedule(start, () => browse(new Visit(actor, device(), start, returning(rng)), rng.int(1, 6)));
  }

  // A second device: anonymous first, then a login there (identify) merges its history into the customer.
  if (customer.secondDeviceAt !== null && customer.secondDeviceAt < aliveUntil) {
    const anonymousAt = customer.secondDeviceAt;
    const loginAt = anonymousAt + Math.floor(rng.between(0.1, 3) * DAY);
    timeline.schedule(anonymousAt, () => browse(new Visit(actor, second, anonymousAt, returning(rng)), rng.int(1, 4)));
    timeline.schedule(loginAt, () => {
      const visit = new Visit(actor, second, loginAt);
      visit.page({ name: 'Log In', path: '/login', title: 'Log in' }, rng.logNormal(20_000, 0.4), ({ end }) => visit.identify(end - 500, customer.userId, traits));
      browse(visit, rng.int(1, 3));
    });
  }

  if (customer.subscription) scheduleSubscription(actor, device, customer.subscription);
  scheduleSupport(actor, customer, () => orders);
  scheduleSocial(actor, customer);
  scheduleLocations(actor, customer, device);
  return customer;
}

/** Someone who looks around, maybe fills a cart, and never signs up: anonymous events only. */
export function scheduleVisitor(timeline: Timeline, runId: string, seed: number, index: number, startMs: number): void {
  const rng = new Rng(subSeed(seed, 'visitor', index));
  const region = rng.weighted(REGIONS, (r) => r.weight);
  const channel = rng.weighted(CHANNELS, (c) => c.weight);
  const actor = new Actor(timeline, rng, region, `demo-${runId}-v${index}`, null);
  const device: Device = { anonymousId: `anon-${rng.hex(20)}`, userAgent: userAgentFor(rng, rng.chance(0.5)), userId: null };
  const first = Math.floor(rng.between(startMs, timeline.endMs - HOUR));
  const sessions = rng.int(1, 3);
  let carts = 0;
  for (let i = 0; i < sessions; i++) {
    const at = i === 0 ? first : first + Math.floor(rng.between(0.5, 20) * DAY);
    const arrival = i === 0 ? { campaign: channel.campaign, referrer: channel.referrer } : returning(rng);
    timeline.schedule(at, () => {
      const visit = new Visit(actor, device, at, arrival);
      if (rng.chance(0.15)) abandonCart(visit, `${device.anonymousId}-cart${++carts}`);
      else browse(visit, rng.int(1, 4));
    });
  }
}
