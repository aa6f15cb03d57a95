import type { ComputedTraitsRow } from './port.js';

/** Rows per statement when writing computed traits: bounded memory and statement size for 100k+ persons. */
export const COMPUTED_TRAITS_CHUNK = 5_000;

/**
 * Fold rows onto their canonical persons, in order (a later row's keys win), so each person is written once per
 * statement. `canonical` maps every known id to its canonical person; rows for unknown ids are left out.
 */
export function foldComputedTraits(rows: ComputedTraitsRow[], canonical: Map<string, string>): Map<string, Record<string, unknown>> {
  const folded = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const personId = canonical.get(row.personId);
    if (personId === undefined) continue;
    const existing = folded.get(personId);
    folded.set(personId, existing ? { ...existing, ...row.traits } : { ...row.traits });
  }
  return folded;
}
