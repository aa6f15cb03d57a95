import { DAY } from '../core/units.js';

/**
 * What the demo history hides, for the analyses to find. Two halves:
 * - DESIGN: the knobs the generator turns (latent shares and probabilities; the generator reads them).
 * - PLANTED: what the generated *events* show when measured the documented way (src/demo/measure.ts), at the
 *   default size with seed 42; tests in other parts assert their analyses recover these within a tolerance.
 * docs/demo-data.md describes each effect, its event names and its window.
 */


export const DESIGN = {
  /** Anonymous visitors who never sign up, per customer. */
  visitorsPerCustomer: 0.5,
  /** Customers who browse anonymously in earlier sessions before the sign-up session. */
  browseBeforeSignupShare: 0.7,
  /** Customers who later use a second device (anonymous there first, then log in: an identity merge). */
  secondDeviceShare: 0.3,
  /** Customers who sign up during their first checkout (Signed Up method "checkout"). */
  checkoutSignupShare: 0.2,

  /** Onboarding (Signed Up → Onboarding Completed): most are quick, a latent slow group takes days. */
  onboarding: { fastMedianHours: 20, fastSigma: 0.6, slowShare: 0.2, slowMedianHours: 130, slowSigma: 0.4 },

  /** Activation: a first order within 30 days of signing up, and a lower dropout after each purchase. */
  activation: {
    windowDays: 30,
    share: 0.45,
    /** BG/NBD dropout after each purchase: p ~ Beta(a, b). */
    activatedDropout: { a: 1.2, b: 6 },
    notActivatedDropout: { a: 2, b: 3 },
    /** Not activated: share who still order later (after day 30), and the mean wait for that first order. */
    lateFirstOrderShare: 0.35,
    lateFirstOrderMeanDays: 60,
    /** Customers without orders stop visiting after about this long. */
    nonBuyerLifetimeMeanDays: 25,
  },

  /** BG/NBD-like repeat purchasing: rate λ ~ Gamma(r, 1/alpha) per day while alive. */
  purchasing: { r: 0.9, alphaDays: 45 },
  /** Gamma-gamma spend: each order's target ~ Gamma(p, 1/ν) with ν ~ Gamma(q, 1/γ); mean ≈ pγ/(q−1). */
  spend: { p: 6, q: 4, gamma: 25 },
  /** Browsing sessions per day while alive, on top of purchase and abandoned-cart sessions. */
  browseSessionsPerDay: 0.07,
  /** Abandoned-cart sessions per order (carts that never become an order), and per non-buying customer. */
  abandonedCartsPerOrder: 2.45,
  abandonedCartsPerNonBuyer: 0.6,
  /** Checkouts whose first payment attempt fails (Payment Failed, then a successful retry). */
  checkoutPaymentFailureShare: 0.05,

  /** The membership ("Crumb Club"). */
  subscription: {
    share: 0.55,
    /** Churn over the subscription's life when no latent cause applies. */
    baseChurn: 0.08,
    billing: { share: 0.2, churn: 0.85 },
    support: { share: 0.18, churn: 0.8 },
    /** Slow onboarders (the latent slow group above) who subscribe churn with this probability. */
    slowOnboardingChurn: 0.55,
  },

  /** Ordinary support tickets per customer per year (besides the planted bad experiences). */
  ticketsPerCustomerYear: 0.3,
  /** Customers with the store app, who send Location Updated pings near their home store. */
  appShare: 0.35,
  pingsPerWeek: 1,
  /** Customers who post on social networks about the shop. */
  socialShare: 0.12,

  /** The product page with high dwell and low conversion. */
  dwellTrap: { productId: 'prod-016', viewShare: 0.15, addToCartRate: 0.01, dwellMedianSeconds: 150 },
} as const;

/** How the effects are defined (all windows end at the reference date: the cancel time, or the history end). */
export const DEFINITIONS = {
  /** The window: the 60 days before the reference date. Billing problems: any Payment Failed in it. */
  windowMs: 60 * DAY,
  /** Bad support: a Ticket Opened in the window whose Ticket Resolved has csat ≤ 2 or resolution_hours ≥ 72. */
  lowCsat: 2,
  longResolutionHours: 72,
  /** Slow onboarding: Signed Up → Onboarding Completed taking at least 2× the median of all customers. */
  slowOnboardingFactor: 2,
  /** Activation: Order Completed within 30 days of Signed Up. Retention: any page view 60–90 days after Signed Up. */
  activationDays: DESIGN.activation.windowDays, // the generator plants with it; measure.ts measures with it
  retentionFromDays: 60,
  retentionToDays: 90,
} as const;

/**
 * Measured from the generated events (seed 42, 5,000 customers, 365 days) with src/demo/measure.ts.
 * Shares are over subscribers (churners: Subscription Cancelled; retained: the rest, reference = history end).
 */
export const PLANTED = {
  churn: {
    /** Payment Failed in the 60 days before cancelling (churners) / before the end (retained members). */
    billing: { churnersShare: 0.346, retainedShare: 0.037 },
    /** A Ticket Opened in those 60 days, resolved with csat ≤ 2 or after ≥ 72 hours. */
    support: { churnersShare: 0.219, retainedShare: 0.02 },
    /** Signed Up → Onboarding Completed ≥ 2 × the median (medianHours, over all customers). */
    onboarding: { churnersShare: 0.446, retainedShare: 0.207, medianHours: 24.2, slowChurnRate: 0.39, fastChurnRate: 0.172 },
    /** Subscription Cancelled / Subscription Started, over the whole history. */
    churnRate: 0.229,
  },
  /** Carts (cart_id with a Product Added) without an Order Completed of the same cart_id. */
  cartAbandonmentRate: 0.704,
  /** Page Engagement engaged_ms on the product's page, and Product Added / Product Viewed, vs all other products. */
  dwellTrap: { productId: DESIGN.dwellTrap.productId, medianEngagedMs: 149_763, otherProductsMedianEngagedMs: 34_997, viewToCartRate: 0.0048, otherProductsViewToCartRate: 0.392 },
  /** Customers who signed up ≥ 90 days before the end: a page view 60–90 days after Signed Up, by activation. */
  activation: { activatedRetention: 0.721, notActivatedRetention: 0.325, activatedShare: 0.57 },
} as const;

/** The run PLANTED was measured on. */
export const PLANTED_RUN = { customers: 5000, days: 365, seed: 42, end: '2026-11-01T00:00:00Z' } as const;
