/**
 * A Bloom filter over the messageIds in the embedded event log, so deduplication asks DuckDB only about ids
 * that may be there. A "no" is certain (a Bloom filter has no false negatives, and every id appended by this
 * process is added before its commit); a "maybe" goes to the exact query. So the answer stays exactly the log's,
 * while the common case (a fresh id) costs a few hash probes instead of a scan of the dedup window, whose cost
 * grew with the log (about 13 µs per event of waiting at 1M events in bench/ingest).
 *
 * Sized at 16 bits per expected id with 11 probes (false-positive rate about 0.05%). When more ids than planned
 * were added, the owner rebuilds it from the log's window with twice the room, so memory follows the window
 * (about 2 bytes per id) and the rebuild cost amortises to O(1) per id.
 */
const BITS_PER_ID = 16;
const PROBES = 11;

export class MessageIdFilter {
  private readonly bits: Int32Array;
  private readonly mask: number;
  private added = 0;

  /** @param capacity ids this filter is sized for; `full` turns true past it. */
  constructor(readonly capacity: number) {
    let size = 1 << 16;
    while (size < capacity * BITS_PER_ID && size < 2 ** 31) size *= 2;
    this.bits = new Int32Array(size / 32);
    this.mask = size - 1;
  }

  get full(): boolean {
    return this.added > this.capacity;
  }

  add(id: string): void {
    this.added++;
    let [h1, h2] = hashes(id);
    for (let i = 0; i < PROBES; i++) {
      const bit = h1 & this.mask;
      this.bits[bit >>> 5]! |= 1 << (bit & 31);
      h1 = (h1 + h2) | 0;
    }
  }

  mayContain(id: string): boolean {
    let [h1, h2] = hashes(id);
    for (let i = 0; i < PROBES; i++) {
      const bit = h1 & this.mask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
      h1 = (h1 + h2) | 0;
    }
    return true;
  }
}

/** Two independent 32-bit hashes of the UTF-16 code units (FNV-1a and a murmur-style mix), for double hashing. */
function hashes(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  return [a, b | 1]; // an odd step visits distinct bits for every probe
}
