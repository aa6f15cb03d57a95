import bindings, { type Vector } from '@duckdb/node-bindings';
import { BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, TIMESTAMP, VARCHAR, type DuckDBAppender, type DuckDBType } from '@duckdb/node-api';
import { EVENT_COLUMNS, type LogicalType } from '../columns.js';
import {
  ENCODED_CHUNK_ROWS,
  ENCODED_COLUMNS,
  INLINE_STRING_BYTES,
  kindOf,
  LAYOUT_FIELDS,
  rowBytes,
  STRING_ENTRY_BYTES,
  validityBytes,
  type EncodedChunk,
} from '../encoded/chunk.js';
import type { BatchPart, EventBatch } from '../encoded/event-batch.js';

/**
 * A batch into the Appender as data chunks, one per encoded part, a column at a time with one native copy each.
 *
 * Why: the Appender's per-value calls (`appendVarchar`, `appendNull`, … and `endRow`) cost 150–250 ns each across
 * the N-API boundary, ~8.6 µs per event at 42 columns. The event-level columns arrive already in the vectors'
 * layout (src/store/event-store/encoded/chunk.ts, encoded by the collect workers), so they are copied as they are:
 * fixed-width values and validity masks in one call each, long strings as one heap that DuckDB copies into the
 * vector's string heap (as row 0's value), after which each row's `duckdb_string_t` is pointed into that copy. The
 * batch columns (source, node, batch, position, person) are encoded here, from the part's values.
 */

const CHUNK_ROWS = bindings.vector_size();
if (CHUNK_ROWS < ENCODED_CHUNK_ROWS) throw new Error(`DuckDB's vector size is ${CHUNK_ROWS}; encoded chunks hold ${ENCODED_CHUNK_ROWS} rows`);
const TWO_32 = 2 ** 32;
const SEQUENCE_ERROR = 'a batch sequence number outside what DuckDB stores';

const VECTOR_TYPES: Record<LogicalType, DuckDBType> = {
  string: VARCHAR,
  nullable_string: VARCHAR,
  int: INTEGER,
  bigint: BIGINT,
  time: TIMESTAMP,
  nullable_time: TIMESTAMP,
  nullable_double: DOUBLE,
  bool: BOOLEAN,
};
const CHUNK_TYPES = EVENT_COLUMNS.map((column) => VECTOR_TYPES[column.type]);
/** For each event-log column, its index among the encoded columns (-1: a batch column). */
const ENCODED_INDEX = EVENT_COLUMNS.map((column) => ENCODED_COLUMNS.indexOf(column));
/** The string buffer kept between appends; one grown past it (very long person ids) is let go. */
const HEAP_KEEP_BYTES = 4 << 20;

type BatchValue = string | number;

/** Where a batch column's value comes from. */
const BATCH_VALUES: Record<string, (part: BatchPart, row: number) => BatchValue> = {
  source_id: (part) => part.sourceId,
  node_id: (part) => part.nodeId,
  batch_seq: (part) => part.batchSeq,
  batch_pos: (part, row) => part.firstPosition + row,
  person_id: (part, row) => part.personIds[row]!,
};

/** One per writer connection: its buffers are reused from batch to batch, so appends must not interleave. */
export class EventChunkWriter {
  private readonly values: BatchValue[] = new Array<BatchValue>(CHUNK_ROWS).fill(0);
  private readonly entries = new Uint8Array(CHUNK_ROWS * STRING_ENTRY_BYTES);
  private readonly entryWords = new Uint32Array(this.entries.buffer);
  private readonly longOffsets = new Uint32Array(CHUNK_ROWS);
  private readonly fixed = new ArrayBuffer(CHUNK_ROWS * 8);
  private readonly fixedWords = new Uint32Array(this.fixed);
  private readonly fixedInts = new Int32Array(this.fixed);
  private chunk: DuckDBDataChunk | null = null;
  /** The UTF-8 of one batch column's long strings (person ids). */
  private heap = Buffer.allocUnsafe(1 << 16);

  /** Appends the batch's parts; throws what DuckDB throws, rows then belong to no one. */
  append(appender: DuckDBAppender, batch: EventBatch): void {
    try {
      for (const part of batch.parts()) {
        const chunk = this.emptyChunk(part.chunk.rows);
        for (let c = 0; c < EVENT_COLUMNS.length; c++) {
          const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
          const encoded = ENCODED_INDEX[c]!;
          if (encoded >= 0) this.copyColumn(vector, part.chunk, encoded);
          else this.fillBatchColumn(vector, EVENT_COLUMNS[c]!.name, EVENT_COLUMNS[c]!.type, part);
        }
        appender.appendDataChunk(chunk);
      }
    } finally {
      this.values.fill(0); // hold no person id past the append
      this.chunk?.reset(); // nor its strings: the heap is native memory, freed when V8 collects the chunk, if ever
      if (this.heap.length > HEAP_KEEP_BYTES) this.heap = Buffer.allocUnsafe(1 << 16);
    }
  }

  /**
   * The writer's one chunk, emptied. Reused rather than created per part: a chunk's native memory (~100 KB of
   * vectors plus its string heaps) goes back only when V8 finalises the wrapper, which a small heap rarely does.
   * The Appender copies what it is given (strings included), so emptying the chunk after each append is safe.
   */
  private emptyChunk(size: number): DuckDBDataChunk {
    this.chunk ??= DuckDBDataChunk.create(CHUNK_TYPES);
    this.chunk.reset();
    this.chunk.rowCount = size;
    return this.chunk;
  }

  private copyColumn(vector: Vector, chunk: EncodedChunk, column: number): void {
    const { rows, bytes, layout } = chunk;
    const data = layout[column * LAYOUT_FIELDS]!;
    const validity = layout[column * LAYOUT_FIELDS + 3]!;
    const kind = kindOf(ENCODED_COLUMNS[column]!.type);
    if (kind === 'string') {
      this.copyStrings(vector, chunk, column);
    } else {
      bindings.copy_data_to_vector(vector, 0, bytes.buffer as ArrayBuffer, bytes.byteOffset + data, rows * rowBytes(kind));
    }
    if (validity >= 0) {
      bindings.vector_ensure_validity_writable(vector);
      bindings.copy_data_to_vector_validity(vector, 0, bytes.buffer as ArrayBuffer, bytes.byteOffset + validity, validityBytes(rows));
    }
  }

  /** The entries are copied, then pointed at the heap's copy in DuckDB: the chunk itself stays as encoded. */
  private copyStrings(vector: Vector, chunk: EncodedChunk, column: number): void {
    const { rows, bytes, layout } = chunk;
    const data = layout[column * LAYOUT_FIELDS]!;
    const heap = layout[column * LAYOUT_FIELDS + 1]!;
    const heapBytes = layout[column * LAYOUT_FIELDS + 2]!;
    const { entries, entryWords } = this;
    entries.set(bytes.subarray(data, data + rows * STRING_ENTRY_BYTES));
    if (heapBytes > 0) this.pointIntoVectorHeap(vector, bytes.subarray(heap, heap + heapBytes), rows, (word) => entryWords[word + 2]!);
    bindings.copy_data_to_vector(vector, 0, entries.buffer, 0, rows * STRING_ENTRY_BYTES);
  }

  /**
   * DuckDB copies `heap` into the vector's own string heap as row 0's value; each long entry (length > 12) then gets
   * that copy's address plus its offset (row 0's entry is rewritten by the caller's copy, the allocation stays).
   */
  private pointIntoVectorHeap(vector: Vector, heap: Uint8Array, rows: number, offsetOf: (word: number) => number): void {
    const { entryWords } = this;
    bindings.vector_assign_string_element_len(vector, 0, heap);
    const head = bindings.vector_get_data(vector, STRING_ENTRY_BYTES); // a copy of row 0's entry: its pointer
    const pointer = new DataView(head.buffer, head.byteOffset, STRING_ENTRY_BYTES);
    const baseLow = pointer.getUint32(8, true);
    const baseHigh = pointer.getUint32(12, true);
    for (let r = 0; r < rows; r++) {
      const word = (r * STRING_ENTRY_BYTES) >>> 2;
      if (entryWords[word]! <= INLINE_STRING_BYTES) continue;
      const low = baseLow + offsetOf(word);
      entryWords[word + 2] = low >>> 0;
      entryWords[word + 3] = baseHigh + (low >= TWO_32 ? 1 : 0);
    }
  }

  private fillBatchColumn(vector: Vector, name: string, type: LogicalType, part: BatchPart): void {
    const rows = part.chunk.rows;
    const valueOf = BATCH_VALUES[name];
    if (!valueOf) throw new Error(`no batch value for column ${name}`);
    for (let r = 0; r < rows; r++) this.values[r] = valueOf(part, r);
    if (type === 'string') return this.fillStrings(vector, rows);
    if (type === 'int') {
      for (let r = 0; r < rows; r++) this.fixedInts[r] = this.values[r] as number;
      return bindings.copy_data_to_vector(vector, 0, this.fixed, 0, rows * 4);
    }
    if (type === 'bigint') return this.fillBigint(vector, rows);
    throw new Error(`batch column ${name} has type ${type}`);
  }

  private fillBigint(vector: Vector, rows: number): void {
    for (let r = 0; r < rows; r++) {
      const value = this.values[r] as number;
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${SEQUENCE_ERROR}: ${String(value)}`);
      const high = Math.floor(value / TWO_32);
      this.fixedWords[r * 2] = value - high * TWO_32;
      this.fixedWords[r * 2 + 1] = high;
    }
    bindings.copy_data_to_vector(vector, 0, this.fixed, 0, rows * 8);
  }

  /** Batch strings (ids: ASCII, mostly the same few values or one per row) encoded here, the encoder's way. */
  private fillStrings(vector: Vector, rows: number): void {
    const { entries, entryWords, longOffsets, values } = this;
    entries.fill(0, 0, rows * STRING_ENTRY_BYTES);
    let used = 0;
    for (let r = 0; r < rows; r++) {
      const text = values[r] as string;
      const at = r * STRING_ENTRY_BYTES;
      if (this.heap.length - used < text.length * 3) this.growHeap(used, text.length * 3);
      const written = this.heap.write(text, used);
      entryWords[at >>> 2] = written;
      const heap = this.heap;
      if (written <= INLINE_STRING_BYTES) {
        for (let i = 0; i < written; i++) entries[at + 4 + i] = heap[used + i]!;
      } else {
        for (let i = 0; i < 4; i++) entries[at + 4 + i] = heap[used + i]!; // the prefix
        longOffsets[r] = used;
        used += written;
      }
    }
    if (used > 0) this.pointIntoVectorHeap(vector, this.heap.subarray(0, used), rows, (word) => longOffsets[word >>> 2]!);
    bindings.copy_data_to_vector(vector, 0, entries.buffer, 0, rows * STRING_ENTRY_BYTES);
  }

  private growHeap(used: number, needed: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.heap.length * 2, used + needed));
    this.heap.copy(grown, 0, 0, used);
    this.heap = grown;
  }
}
