import { EVENT_COLUMNS, type EventColumn, type EventRow, type LogicalType } from '../columns.js';

/**
 * Events encoded column by column, in the layout DuckDB's vectors use, so the event loop only copies bytes.
 *
 * Why: a request waits ~100 ms for its group commit. As ~40-field event objects it outlived young collections and
 * was copied by them, and the flush then encoded every value for DuckDB. Encoded once, right after it is prepared
 * (on a collect worker thread, src/collect/worker/, or on the event loop), it waits as a few buffers and the flush
 * copies them (10–20% less CPU per event in bench:ingest, docs/benchmarks.md session 9); a worker hands them over
 * by transfer, without cloning.
 *
 * A chunk holds at most ENCODED_CHUNK_ROWS rows (DuckDB's vector size) and the columns an event decides on its own
 * (ENCODED_COLUMNS); the batch columns (source, node, batch, position, person) are only known at the flush. Per column:
 * - strings: one 16-byte `duckdb_string_t` entry per row (a uint32 length, then the string when it is at most 12
 *   bytes, zero-padded, or its 4-byte prefix and where it starts in the column's heap), and the heap of long strings;
 * - numbers: little-endian values, 8 bytes (times in µs as int64, doubles) or 1 (booleans);
 * - a validity bitmap (bit set = not null, 64-bit words) when the column has a null in this chunk.
 * Everything lives in one buffer (one transfer); `layout` holds four int32 per column: data offset, heap offset,
 * heap bytes, validity offset (-1: no nulls).
 */
export interface EncodedChunk {
  rows: number;
  bytes: Uint8Array;
  layout: Int32Array;
}

/** DuckDB's vector size (the DuckDB adapter checks it), the most rows a chunk holds. */
export const ENCODED_CHUNK_ROWS = 2048;
export const STRING_ENTRY_BYTES = 16;
export const INLINE_STRING_BYTES = 12;
export const LAYOUT_FIELDS = 4;

/** The columns filled at the flush, from the batch: everything else is the event's own. */
export const BATCH_COLUMN_NAMES: ReadonlySet<string> = new Set(['source_id', 'node_id', 'batch_seq', 'batch_pos', 'person_id']);
export const ENCODED_COLUMNS: readonly EventColumn[] = EVENT_COLUMNS.filter((c) => !BATCH_COLUMN_NAMES.has(c.name));

export type ColumnKind = 'string' | 'int64' | 'double' | 'bool' | 'int32';

export function kindOf(type: LogicalType): ColumnKind {
  switch (type) {
    case 'string':
    case 'nullable_string':
      return 'string';
    case 'time':
    case 'nullable_time':
    case 'bigint':
      return 'int64';
    case 'nullable_double':
      return 'double';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int32';
  }
}

/** What an int64 column's values are multiplied by: times are epoch ms in JS and µs in TIMESTAMP. */
export function int64Scale(type: LogicalType): number {
  return type === 'time' || type === 'nullable_time' ? 1000 : 1;
}

/** Bytes per row in a column's data section. */
export function rowBytes(kind: ColumnKind): number {
  return kind === 'string' ? STRING_ENTRY_BYTES : kind === 'bool' ? 1 : kind === 'int32' ? 4 : 8;
}

/** Validity bitmaps are whole 64-bit words (what DuckDB's validity mask is made of). */
export function validityBytes(rows: number): number {
  return ((rows + 63) >>> 6) * 8;
}

export function isNullAt(bytes: Uint8Array, validityOffset: number, row: number): boolean {
  return validityOffset >= 0 && (bytes[validityOffset + (row >>> 3)]! & (1 << (row & 7))) === 0;
}

/** A 64-bit value (an int64 time in µs, a pointer) as two 32-bit words: the high word's weight. */
export const TWO_32 = 2 ** 32;
const utf8 = new TextDecoder();

/**
 * The chunk's rows as column values keyed by column name (times back in epoch ms), for engines that take rows
 * (ClickHouse) and for readers of a durable batch. Only valid on a chunk as encoded: the DuckDB adapter patches
 * copies of the string entries, never the chunk.
 */
export function decodeChunk(chunk: EncodedChunk): EventRow[] {
  const { rows, bytes, layout } = chunk;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: EventRow[] = Array.from({ length: rows }, () => ({}));
  ENCODED_COLUMNS.forEach((column, c) => {
    const data = layout[c * LAYOUT_FIELDS]!;
    const heap = layout[c * LAYOUT_FIELDS + 1]!;
    const validity = layout[c * LAYOUT_FIELDS + 3]!;
    const kind = kindOf(column.type);
    const width = rowBytes(kind);
    const scale = int64Scale(column.type);
    for (let r = 0; r < rows; r++) {
      let value: string | number | boolean | null = null;
      if (!isNullAt(bytes, validity, r)) {
        const at = data + r * width;
        if (kind === 'string') {
          const length = view.getUint32(at, true);
          const start = length <= INLINE_STRING_BYTES ? at + 4 : heap + view.getUint32(at + 8, true);
          value = utf8.decode(bytes.subarray(start, start + length));
        } else if (kind === 'int64') {
          const scaled = view.getUint32(at, true) + view.getInt32(at + 4, true) * TWO_32;
          value = Math.round(scaled / scale); // µs → ms: every time was ms × 1000
        } else if (kind === 'double') value = view.getFloat64(at, true);
        else if (kind === 'bool') value = bytes[at] === 1;
        else value = view.getInt32(at, true);
      }
      out[r]![column.name] = value;
    }
  });
  return out;
}

/**
 * The chunk with only these rows (ascending), for a request some of whose events were duplicates. String entries
 * keep pointing into the same heaps, which are copied whole (a duplicate's bytes stay, unread).
 */
export function selectRows(chunk: EncodedChunk, keep: readonly number[]): EncodedChunk {
  const rows = keep.length;
  const layout = new Int32Array(chunk.layout.length);
  let size = 0;
  const sections = ENCODED_COLUMNS.map((column, c) => {
    const kind = kindOf(column.type);
    const heapBytes = chunk.layout[c * LAYOUT_FIELDS + 2]!;
    const hasNulls = chunk.layout[c * LAYOUT_FIELDS + 3]! >= 0;
    const data = size;
    size = align8(size + rows * rowBytes(kind));
    const heap = size;
    size = align8(size + heapBytes);
    const validity = hasNulls ? size : -1;
    if (hasNulls) size += validityBytes(rows);
    layout.set([data, heap, heapBytes, validity], c * LAYOUT_FIELDS);
    return { kind, heapBytes };
  });
  const bytes = new Uint8Array(size);
  sections.forEach(({ kind, heapBytes }, c) => {
    const width = rowBytes(kind);
    const [fromData, fromHeap, , fromValidity] = chunk.layout.subarray(c * LAYOUT_FIELDS, c * LAYOUT_FIELDS + LAYOUT_FIELDS);
    const [toData, toHeap, , toValidity] = layout.subarray(c * LAYOUT_FIELDS, c * LAYOUT_FIELDS + LAYOUT_FIELDS);
    for (let i = 0; i < rows; i++) {
      const from = fromData! + keep[i]! * width;
      bytes.set(chunk.bytes.subarray(from, from + width), toData! + i * width);
    }
    bytes.set(chunk.bytes.subarray(fromHeap!, fromHeap! + heapBytes), toHeap!);
    if (toValidity! >= 0) {
      bytes.fill(0xff, toValidity!, toValidity! + validityBytes(rows));
      for (let i = 0; i < rows; i++) if (isNullAt(chunk.bytes, fromValidity!, keep[i]!)) bytes[toValidity! + (i >>> 3)]! &= ~(1 << (i & 7));
    }
  });
  return { rows, bytes, layout };
}

export function align8(n: number): number {
  return (n + 7) & ~7;
}

