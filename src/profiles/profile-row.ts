import type { ProfileDelta } from '../store/state-store/port.js';

/**
 * The mutable part of a person's profile as every state-store adapter holds it: what identify calls said and
 * how many persons it absorbed. Activity (first/last seen, event counts, latest context, first touch) is not
 * state: it is computed from the event log when read (EventStore.personActivity). The rules for combining rows
 * live here, once, so SQLite and PostgreSQL merge profiles identically.
 */
export interface ProfileRow {
  email: string | null;
  traits: Record<string, unknown>;
  mergeCount: number;
}

export function emailFromTraits(traits: Record<string, unknown>): string | null {
  const email = traits.email;
  return typeof email === 'string' && email.includes('@') ? email.trim().toLowerCase() : null;
}

/** Apply one batch's identify traits: they overwrite key by key, later calls win. */
export function applyProfileDelta(row: ProfileRow, delta: ProfileDelta): ProfileRow {
  const traits = { ...row.traits, ...delta.traits };
  return { email: emailFromTraits(traits) ?? row.email, traits, mergeCount: row.mergeCount };
}

/**
 * Fold an absorbed person into the survivor. The survivor's traits win (it is the known user an anonymous
 * visitor turned out to be); the absorbed person's traits fill gaps, e.g. an email captured before login.
 */
export function mergeProfileRows(survivor: ProfileRow, absorbed: ProfileRow): ProfileRow {
  return {
    email: survivor.email ?? absorbed.email,
    traits: { ...absorbed.traits, ...survivor.traits },
    mergeCount: survivor.mergeCount + absorbed.mergeCount + 1,
  };
}
