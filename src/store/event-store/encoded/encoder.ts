import type { PreparedEvent, StoredEvent } from '../../../core/events.js';
import type { EventColumn } from '../columns.js';
import {
  align8,
  int64Scale,
  ENCODED_CHUNK_ROWS,
  ENCODED_COLUMNS,
  INLINE_STRING_BYTES,
  kindOf,
  LAYOUT_FIELDS,
  rowBytes,
  STRING_ENTRY_BYTES,
  TWO_32,
  validityBytes,
  type ColumnKind,
  type EncodedChunk,
} from './chunk.js';

/** The scratch buffer kept between requests; one grown past it (a request of very large events) is let go. */
const SCRATCH_KEEP_BYTES = 8 << 20;

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('the event chunk encoder assumes a little-endian machine (as every DuckDB build is)');
}

export type CellValue = string | number | boolean | null;

/** Puts a column's values for rows 0…n-1 into `values`. */
export type ColumnFill = (column: EventColumn, values: CellValue[]) => void;

let threadEncoder: EventChunkEncoder | null = null;

/** This thread's encoder (each worker loads its own copy of this module): encoding is synchronous, so one serves all. */
export function encoderOfThisThread(): EventChunkEncoder {
  return (threadEncoder ??= new EventChunkEncoder());
}

/**
 * Encodes columns into EncodedChunks (see chunk.ts): prepared events' own columns, and the DuckDB writer's batch
 * columns. Its scratch buffer is reused from call to call, and each chunk gets a copy of exactly its bytes (which a
 * worker transfers).
 */
export class EventChunkEncoder {
  private scratch = Buffer.allocUnsafeSlow(1 << 20);
  private words = new Int32Array(this.scratch.buffer);
  private doubles = new Float64Array(this.scratch.buffer);
  private readonly values: CellValue[] = new Array<CellValue>(ENCODED_CHUNK_ROWS).fill(null);
  private used = 0;

  /** Prepared events' own columns (ENCODED_COLUMNS), a chunk per ENCODED_CHUNK_ROWS events. */
  encode(events: readonly PreparedEvent[]): EncodedChunk[] {
    const chunks: EncodedChunk[] = [];
    for (let start = 0; start < events.length; start += ENCODED_CHUNK_ROWS) {
      const rows = Math.min(ENCODED_CHUNK_ROWS, events.length - start);
      // Event-level columns read only what a prepared event has (chunk.ts: BATCH_COLUMN_NAMES).
      const fill: ColumnFill = (column, values) => {
        for (let r = 0; r < rows; r++) values[r] = column.read(events[start + r] as StoredEvent, start + r);
      };
      chunks.push(this.encodeColumns(ENCODED_COLUMNS, rows, fill));
    }
    return chunks;
  }

  /** `rows` rows (at most ENCODED_CHUNK_ROWS) of these columns, each filled by `fill`. */
  encodeColumns(columns: readonly EventColumn[], rows: number, fill: ColumnFill): EncodedChunk {
    const layout = new Int32Array(columns.length * LAYOUT_FIELDS);
    this.used = 0;
    try {
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c]!;
        fill(column, this.values);
        let nulls = 0;
        for (let r = 0; r < rows; r++) if (this.values[r] === null) nulls++;
        const kind = kindOf(column.type);
        const data = this.reserve(rows * rowBytes(kind));
        let heap = this.used;
        let heapBytes = 0;
        if (kind === 'string') {
          heapBytes = this.writeStrings(data, rows);
          this.used = align8(heap + heapBytes);
        } else {
          heap = data; // no heap: an empty section
          this.writeFixed(column, kind, data, rows);
        }
        const validity = nulls > 0 ? this.writeValidity(rows) : -1;
        layout.set([data, heap, heapBytes, validity], c * LAYOUT_FIELDS);
      }
      const bytes = new Uint8Array(this.used);
      bytes.set(this.scratch.subarray(0, this.used));
      return { rows, bytes, layout };
    } finally {
      this.values.fill(null); // hold no event past the call
      if (this.scratch.length > SCRATCH_KEEP_BYTES) this.replaceScratch(1 << 20);
    }
  }

  /** Room for `bytes` at the end (8-aligned); returns where it starts. */
  private reserve(bytes: number): number {
    const at = align8(this.used);
    this.ensure(at + bytes);
    this.scratch.fill(0, at, at + bytes);
    this.used = at + bytes;
    return at;
  }

  private ensure(size: number): void {
    if (size > this.scratch.length) this.replaceScratch(Math.max(size, this.scratch.length * 2), this.used);
  }

  private replaceScratch(size: number, keep = 0): void {
    const grown = Buffer.allocUnsafeSlow(size);
    this.scratch.copy(grown, 0, 0, keep);
    this.scratch = grown;
    this.words = new Int32Array(grown.buffer);
    this.doubles = new Float64Array(grown.buffer);
  }

  /** Entries at `data`, long strings' bytes after `this.used`; returns the heap's size. */
  private writeStrings(data: number, rows: number): number {
    const heapStart = this.used;
    let heapEnd = heapStart;
    for (let r = 0; r < rows; r++) {
      const value = this.values[r];
      if (value === null) continue;
      const text = value as string;
      const at = data + r * STRING_ENTRY_BYTES;
      // Most short values (types, codes, locales) are ASCII: their characters are their bytes, written in place.
      if (text.length <= INLINE_STRING_BYTES && writeAsciiInline(text, this.scratch, at + 4)) {
        this.words[at >>> 2] = text.length;
        continue;
      }
      if (this.scratch.length - heapEnd < text.length * 3) {
        this.used = heapEnd; // keep the heap written so far when growing
        this.ensure(heapEnd + text.length * 3); // ≤ 3 UTF-8 bytes per UTF-16 unit
      }
      const scratch = this.scratch;
      // Buffer#write returns a count (encodeInto allocates a result object per call).
      const written = scratch.write(text, heapEnd);
      this.words[at >>> 2] = written;
      if (written <= INLINE_STRING_BYTES) {
        scratch.copy(scratch, at + 4, heapEnd, heapEnd + written);
        scratch.fill(0, heapEnd, heapEnd + written);
      } else {
        scratch.copy(scratch, at + 4, heapEnd, heapEnd + 4); // the prefix
        this.words[(at + 8) >>> 2] = heapEnd - heapStart; // where it starts in the heap; the DuckDB adapter adds the base
        this.words[(at + 12) >>> 2] = 0; // a partial ASCII attempt may have written here
        heapEnd += written;
      }
    }
    return heapEnd - heapStart;
  }

  private writeFixed(column: EventColumn, kind: ColumnKind, data: number, rows: number): void {
    const { values, words, doubles, scratch } = this;
    switch (kind) {
      case 'int64': {
        // Times in epoch ms → TIMESTAMP's µs, as two 32-bit words, exactly and without a BigInt per value: year 9999
        // in µs is past 2^53, so the value is split into words first and each is scaled.
        const scale = int64Scale(column.type);
        const outside = (value: number) => new RangeError(`${column.name} outside what DuckDB stores: ${String(value)}`);
        for (let r = 0; r < rows; r++) {
          const value = (values[r] as number | null) ?? 0;
          if (!Number.isSafeInteger(value)) throw outside(value);
          const high = Math.floor(value / TWO_32); // negative values: two's complement, the low word stays 0…2^32-1
          const lowScaled = (value - high * TWO_32) * scale;
          const carry = Math.floor(lowScaled / TWO_32);
          const highScaled = high * scale + carry;
          if (highScaled < -(2 ** 31) || highScaled >= 2 ** 31) throw outside(value);
          const word = (data >>> 2) + r * 2;
          words[word] = (lowScaled - carry * TWO_32) | 0;
          words[word + 1] = highScaled;
        }
        return;
      }
      case 'double':
        for (let r = 0; r < rows; r++) doubles[(data >>> 3) + r] = (values[r] as number | null) ?? 0;
        return;
      case 'bool':
        for (let r = 0; r < rows; r++) scratch[data + r] = values[r] ? 1 : 0;
        return;
      case 'int32':
        for (let r = 0; r < rows; r++) words[(data >>> 2) + r] = (values[r] as number | null) ?? 0;
        return;
      case 'string':
        throw new Error('strings are written by writeStrings');
    }
  }

  private writeValidity(rows: number): number {
    const at = this.reserve(validityBytes(rows));
    const { scratch, values } = this;
    scratch.fill(0xff, at, at + validityBytes(rows));
    for (let r = 0; r < rows; r++) if (values[r] === null) scratch[at + (r >>> 3)]! &= ~(1 << (r & 7));
    return at;
  }
}

/** Writes `text` at `at` if every character is ASCII (false, leaving partial bytes, otherwise). */
function writeAsciiInline(text: string, into: Uint8Array, at: number): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return false;
    into[at + i] = code;
  }
  return true;
}
