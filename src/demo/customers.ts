import { DAY, HOUR, MINUTE } from '../core/units.js';
import { CHANNELS, PLANS, REGIONS, USER_AGENTS, type Channel, type Region } from './catalogue.js';
import { DESIGN } from './planted.js';
import type { Rng } from './random.js';

/**
 * A customer's hidden plan: who they are, when they sign up, how they buy (BG/NBD-like), and what will go wrong
 * with their membership. The events are expanded from this plan in history.ts; nothing here is sent as is.
 */


export type ChurnCause = 'billing' | 'support' | 'onboarding' | 'base';

export interface SubscriptionPlan {
  plan: string;
  price: number;
  startAt: number;
  /** Planted latent problems: a declined renewal, a badly handled ticket. */
  billingFailureAt: number | null;
  badTicketAt: number | null;
  /** Null: still a member at the end of the history. */
  cancelAt: number | null;
  cause: ChurnCause | null;
}

export interface CustomerPlan {
  index: number;
  userId: string;
  name: string;
  email: string;
  region: Region;
  channel: Channel;
  mobile: boolean;
  /** Anonymous sessions on the first device before the sign-up session. */
  anonymousSessionsBefore: number;
  firstVisitAt: number;
  signupAt: number;
  signupMethod: 'email' | 'google' | 'checkout';
  onboardingMs: number;
  activated: boolean;
  /** Order times (the first one may be in the sign-up session), each with its spend target. */
  orders: { at: number; target: number }[];
  /** After this the customer no longer visits (BG/NBD dropout, or a lost member). */
  aliveUntil: number;
  secondDeviceAt: number | null;
  subscription: SubscriptionPlan | null;
  usesApp: boolean;
  postsOnSocial: boolean;
}

const FIRST_NAMES = { en: ['Ada', 'Ben', 'Chloe', 'Dan', 'Ella', 'Finn', 'Grace', 'Hugo', 'Iris', 'Jack', 'Maya', 'Noah'], ja: ['Haruto', 'Yui', 'Sota', 'Aoi', 'Ren', 'Hina', 'Yuto', 'Mio'] };
const LAST_NAMES = { en: ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Clark', 'Hughes'], ja: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto'] };

export function customerUserId(index: number): string {
  return `cust-${String(index + 1).padStart(5, '0')}`;
}

export function planCustomer(index: number, rng: Rng, startMs: number, endMs: number): CustomerPlan {
  const region = rng.weighted(REGIONS, (r) => r.weight);
  const channel = rng.weighted(CHANNELS, (c) => c.weight);
  const userId = customerUserId(index);
  const name = `${rng.pick(FIRST_NAMES[region.language])} ${rng.pick(LAST_NAMES[region.language])}`;

  // Sign-ups spread over the whole history; browsing may start a few days before.
  const signupAt = Math.floor(rng.between(startMs + 2 * DAY, endMs - HOUR));
  const anonymousSessionsBefore = rng.chance(DESIGN.browseBeforeSignupShare) ? rng.int(1, 3) : 0;
  const firstVisitAt = anonymousSessionsBefore > 0 ? Math.max(startMs, signupAt - Math.floor(rng.between(0.2, 10) * DAY)) : signupAt;
  const checkoutSignup = rng.chance(DESIGN.checkoutSignupShare);
  const signupMethod = checkoutSignup ? 'checkout' : rng.chance(0.6) ? 'email' : 'google';

  const ob = DESIGN.onboarding;
  const slowOnboarder = rng.chance(ob.slowShare);
  const onboardingMs = Math.round(
    (slowOnboarder ? rng.logNormal(ob.slowMedianHours, ob.slowSigma) : rng.logNormal(ob.fastMedianHours, ob.fastSigma)) * HOUR,
  );

  const { orders, activated, droppedAt } = planOrders(rng, signupAt, endMs, checkoutSignup);
  const act = DESIGN.activation;
  let aliveUntil =
    droppedAt !== null
      ? droppedAt + rng.exponential(20 * DAY)
      : orders.length === 0
        ? signupAt + rng.exponential(act.nonBuyerLifetimeMeanDays * DAY)
        : endMs;

  const subscription = rng.chance(DESIGN.subscription.share) ? planSubscription(rng, signupAt, endMs, slowOnboarder, onboardingMs) : null;
  if (subscription?.cancelAt != null) aliveUntil = Math.min(aliveUntil, subscription.cancelAt + rng.exponential(15 * DAY));

  const secondDeviceAt = rng.chance(DESIGN.secondDeviceShare) ? signupAt + Math.floor(rng.between(3, 120) * DAY) : null;
  return {
    index,
    userId,
    name,
    email: `${userId}@example.com`,
    region,
    channel,
    mobile: rng.chance(0.45),
    anonymousSessionsBefore,
    firstVisitAt,
    signupAt,
    signupMethod,
    onboardingMs,
    activated,
    orders,
    aliveUntil,
    secondDeviceAt,
    subscription,
    usesApp: rng.chance(DESIGN.appShare),
    postsOnSocial: rng.chance(DESIGN.socialShare),
  };
}

/**
 * Purchases: the first order within 30 days (activated; or at sign-up for checkout sign-ups), later or never
 * (not activated); then Poisson repeat purchases at a gamma-distributed rate, with a Beta-distributed chance of
 * dropping out after each purchase (BG/NBD); each order's spend from a gamma-gamma model.
 */
function planOrders(rng: Rng, signupAt: number, endMs: number, checkoutSignup: boolean) {
  const act = DESIGN.activation;
  const activated = checkoutSignup || rng.chance(act.share);
  let first: number | null;
  if (checkoutSignup) first = signupAt;
  else if (activated) first = signupAt + rng.between(0.5, act.windowDays - 0.5) * DAY;
  else first = rng.chance(act.lateFirstOrderShare) ? signupAt + (act.windowDays + 1 + rng.exponential(act.lateFirstOrderMeanDays)) * DAY : null;

  const dropout = activated ? act.activatedDropout : act.notActivatedDropout;
  const p = rng.beta(dropout.a, dropout.b);
  const lambdaPerDay = rng.gamma(DESIGN.purchasing.r, 1 / DESIGN.purchasing.alphaDays);
  const spend = DESIGN.spend;
  const nu = rng.gamma(spend.q, 1 / spend.gamma);

  const orders: { at: number; target: number }[] = [];
  let droppedAt: number | null = null;
  for (let at = first; at !== null && at < endMs; ) {
    orders.push({ at, target: rng.gamma(spend.p, 1 / nu) });
    if (rng.chance(p)) {
      droppedAt = at;
      break;
    }
    at += Math.max(HOUR * 6, rng.exponential(1 / Math.max(lambdaPerDay, 1e-4)) * DAY);
  }
  return { orders, activated, droppedAt };
}

/**
 * Membership with planted churn causes (DESIGN.subscription): the cancel follows the billing failure or the bad
 * ticket within 60 days, so the signal sits in the window the churn analysis looks at.
 */
function planSubscription(rng: Rng, signupAt: number, endMs: number, slowOnboarder: boolean, onboardingMs: number): SubscriptionPlan {
  const cfg = DESIGN.subscription;
  const { plan, price } = rng.pick(PLANS);
  const startAt = rng.chance(0.5) ? signupAt + 5 * MINUTE : signupAt + Math.floor(rng.between(1, 45) * DAY);
  const signalTime = () => rng.between(startAt + 15 * DAY, startAt + 330 * DAY);

  const candidates: { at: number; cause: ChurnCause }[] = [];
  let billingFailureAt: number | null = null;
  let badTicketAt: number | null = null;
  if (rng.chance(cfg.billing.share)) {
    billingFailureAt = signalTime();
    if (rng.chance(cfg.billing.churn)) candidates.push({ at: billingFailureAt + rng.between(3, 45) * DAY, cause: 'billing' });
  }
  if (rng.chance(cfg.support.share)) {
    badTicketAt = signalTime();
    // Resolution takes up to 10 days (support.ts); the cancel comes within 50 days of the ticket.
    if (rng.chance(cfg.support.churn)) candidates.push({ at: badTicketAt + rng.between(13, 50) * DAY, cause: 'support' });
  }
  if (slowOnboarder && rng.chance(cfg.slowOnboardingChurn)) {
    candidates.push({ at: Math.max(startAt, signupAt + onboardingMs) + rng.between(30, 150) * DAY, cause: 'onboarding' });
  }
  if (rng.chance(cfg.baseChurn)) candidates.push({ at: startAt + rng.between(20, 330) * DAY, cause: 'base' });

  candidates.sort((a, b) => a.at - b.at);
  const first = candidates[0];
  const cancelled = first !== undefined && first.at < endMs;
  const cancelAt = cancelled ? Math.floor(first.at) : null;
  // A planted problem after the cancel never happens (the membership is gone).
  const keep = (at: number | null) => (at !== null && (cancelAt === null || at < cancelAt) ? Math.floor(at) : null);
  return {
    plan,
    price,
    startAt,
    billingFailureAt: keep(billingFailureAt),
    badTicketAt: keep(badTicketAt),
    cancelAt,
    cause: cancelled ? first.cause : null,
  };
}

export function userAgentFor(rng: Rng, mobile: boolean): string {
  return rng.pick(mobile ? USER_AGENTS.mobile : USER_AGENTS.desktop);
}
