import type { IdentityKey } from '../port.js';

/**
 * Identity key → person, as this process last read or wrote it. Only for a store one process writes (the embedded
 * SQLite file: DuckDB's lock on the data folder keeps a second process out), so the cache sees every change:
 * links as they are committed, and merges, which re-point every key of the absorbed person. Rather than finding
 * those keys, a merge is remembered (`mergedInto`) and followed when a cached person is read, which is what the
 * store's own re-pointing gives. A lookup of a random key costs ~3–8 µs in SQLite (bench:ingest), a hit here well
 * under one.
 *
 * Bounded: at `maxKeys` keys, or as many remembered merges, it starts over empty (~150 bytes a key). Anything that
 * deletes or re-points identities outside applyBatch (an import, erasure) must `clear()` it.
 */
export class IdentityCache {
  private readonly persons = new Map<IdentityKey, string>();
  private readonly mergedInto = new Map<string, string>();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.persons.size;
  }

  /** The key's current person, or undefined when not cached. */
  get(key: IdentityKey): string | undefined {
    let person = this.persons.get(key);
    if (person === undefined) return undefined;
    // Merges never form a cycle (only live persons merge, into live persons); the bound is a guard all the same.
    for (let hops = 0, next = this.mergedInto.get(person); next !== undefined && hops < this.mergedInto.size; hops++, next = this.mergedInto.get(person)) {
      person = next;
    }
    return person;
  }

  /** Remember what the store holds (read), or has just committed (written). */
  set(key: IdentityKey, person: string): void {
    if (this.persons.size >= this.maxKeys) this.clear();
    this.persons.set(key, person);
  }

  /** A committed merge: every key of `from` now belongs to `to`. */
  merged(from: string, to: string): void {
    if (this.mergedInto.size >= this.maxKeys) this.clear();
    this.mergedInto.set(from, to);
  }

  clear(): void {
    this.persons.clear();
    this.mergedInto.clear();
  }
}
