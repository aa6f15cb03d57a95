import type { ProfileDelta } from '../store/state-store/port.js';

/**
 * The mutable part of a person's profile as every state-store adapter holds it. The rules for combining rows
 * live here, once, so SQLite and PostgreSQL merge profiles identically.
 */
export interface ProfileRow {
  firstSeen: number | null;
  lastSeen: number | null;
  email: string | null;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
  contextAt: number;
  firstTouch: Record<string, unknown> | null;
  mergeCount: number;
}

export function emailFromTraits(traits: Record<string, unknown>): string | null {
  const email = traits.email;
  return typeof email === 'string' && email.includes('@') ? email.trim().toLowerCase() : null;
}

/** Apply one batch's delta: identify traits overwrite key by key, context only if newer, first touch only once. */
export function applyProfileDelta(row: ProfileRow, delta: ProfileDelta): ProfileRow {
  const traits = Object.keys(delta.traits).length > 0 ? { ...row.traits, ...delta.traits } : row.traits;
  const newerContext = delta.context !== null && delta.contextAt >= row.contextAt;
  return {
    firstSeen: row.firstSeen === null ? delta.firstSeen : Math.min(row.firstSeen, delta.firstSeen),
    lastSeen: row.lastSeen === null ? delta.lastSeen : Math.max(row.lastSeen, delta.lastSeen),
    email: emailFromTraits(traits) ?? row.email,
    traits,
    context: newerContext ? { ...row.context, ...delta.context } : row.context,
    contextAt: newerContext ? delta.contextAt : row.contextAt,
    firstTouch: row.firstTouch ?? delta.firstTouch,
    mergeCount: row.mergeCount,
  };
}

/**
 * Fold an absorbed person into the survivor. The survivor's traits win (it is the known user an anonymous
 * visitor turned out to be); the absorbed person's traits fill gaps, e.g. an email captured before login.
 */
export function mergeProfileRows(survivor: ProfileRow, absorbed: ProfileRow): ProfileRow {
  const survivorNewer = survivor.contextAt >= absorbed.contextAt;
  const absorbedFirst =
    absorbed.firstSeen !== null && (survivor.firstSeen === null || absorbed.firstSeen < survivor.firstSeen);
  return {
    firstSeen: minOrNull(survivor.firstSeen, absorbed.firstSeen),
    lastSeen: maxOrNull(survivor.lastSeen, absorbed.lastSeen),
    email: survivor.email ?? absorbed.email,
    traits: { ...absorbed.traits, ...survivor.traits },
    context: survivorNewer ? survivor.context : absorbed.context,
    contextAt: Math.max(survivor.contextAt, absorbed.contextAt),
    firstTouch: absorbedFirst ? (absorbed.firstTouch ?? survivor.firstTouch) : (survivor.firstTouch ?? absorbed.firstTouch),
    mergeCount: survivor.mergeCount + absorbed.mergeCount + 1,
  };
}

function minOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
