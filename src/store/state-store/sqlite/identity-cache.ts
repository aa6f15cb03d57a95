import type { IdentityKey } from '../port.js';

/** One person as the cache knows it; `next` points at the person it was merged into. */
interface PersonCell {
  personId: string;
  next: PersonCell | null;
}

/**
 * Identity key → person, as this process last read or wrote it. Only for a store one process writes (the embedded
 * SQLite file: DuckDB's lock on the data folder keeps a second process out), so the cache sees every change:
 * links as they are committed, and merges, which re-point every key of the absorbed person. Rather than finding
 * those keys, each key points at its person's cell, and a merge points the absorbed person's cell at the
 * survivor's (a union-find forest, compressed as it is walked), which is what the store's own re-pointing gives.
 * A lookup of a random key costs ~3–8 µs in SQLite (bench:ingest), a hit here about one large-Map lookup.
 *
 * Why cells rather than a second Map from merged person to survivor (session 9): every hit then paid a lookup in
 * that Map too, and on this project's VMs a lookup in a Map of ~30,000–100,000 entries costs 1–1.5 µs (cache and
 * TLB misses), so hits cost ~4 µs instead of ~1.4 (scratch/cache-micro.mjs).
 *
 * Bounded: at `maxKeys` keys, or as many persons, it starts over empty (~200 bytes a key). Anything that deletes or
 * re-points identities outside applyBatch (an import, erasure) must `clear()` it.
 */
export class IdentityCache {
  private readonly keys = new Map<IdentityKey, PersonCell>();
  private readonly cells = new Map<string, PersonCell>();

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.keys.size;
  }

  /** The key's current person, or undefined when not cached. */
  get(key: IdentityKey): string | undefined {
    const cell = this.keys.get(key);
    return cell === undefined ? undefined : rootOf(cell).personId;
  }

  /** Remember what the store holds (read), or has just committed (written). */
  set(key: IdentityKey, person: string): void {
    if (this.keys.size >= this.maxKeys || this.cells.size >= this.maxKeys) this.clear();
    this.keys.set(key, this.cellOf(person));
  }

  /** A committed merge: every key of `from` now belongs to `to`. */
  merged(from: string, to: string): void {
    if (this.cells.size >= this.maxKeys) this.clear();
    const absorbed = rootOf(this.cellOf(from));
    const survivor = rootOf(this.cellOf(to));
    // Only live persons merge, into live persons, so the two roots differ; the check keeps the forest acyclic anyway.
    if (absorbed !== survivor) absorbed.next = survivor;
  }

  clear(): void {
    this.keys.clear();
    this.cells.clear();
  }

  private cellOf(personId: string): PersonCell {
    let cell = this.cells.get(personId);
    if (cell === undefined) {
      cell = { personId, next: null };
      this.cells.set(personId, cell);
    }
    return cell;
  }
}

/** The survivor at the end of a cell's merges; the cells walked are pointed straight at it. */
function rootOf(cell: PersonCell): PersonCell {
  let root = cell;
  while (root.next !== null) root = root.next;
  for (let walk = cell; walk.next !== null && walk.next !== root; ) {
    const next: PersonCell = walk.next;
    walk.next = root;
    walk = next;
  }
  return root;
}
