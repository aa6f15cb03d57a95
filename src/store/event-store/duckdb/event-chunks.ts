import bindings, { type Vector } from '@duckdb/node-bindings';
import { BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, INTEGER, TIMESTAMP, VARCHAR, type DuckDBAppender, type DuckDBType } from '@duckdb/node-api';
import { EVENT_COLUMNS, type LogicalType } from '../columns.js';
import {
  BATCH_COLUMN_NAMES,
  ENCODED_CHUNK_ROWS,
  ENCODED_COLUMNS,
  INLINE_STRING_BYTES,
  isNullAt,
  kindOf,
  LAYOUT_FIELDS,
  rowBytes,
  STRING_ENTRY_BYTES,
  TWO_32,
  validityBytes,
  type ColumnKind,
  type EncodedChunk,
} from '../encoded/chunk.js';
import { encoderOfThisThread, type ColumnFill } from '../encoded/encoder.js';
import type { BatchPart, EventBatch } from '../encoded/event-batch.js';

/**
 * A batch into the Appender as data chunks of whole encoded parts, a column at a time with a native copy per part.
 *
 * Why: the Appender's per-value calls (`appendVarchar`, `appendNull`, … and `endRow`) cost 150–250 ns each across
 * the N-API boundary, ~8.6 µs per event at 42 columns. The event-level columns arrive already in the vectors'
 * layout (src/store/event-store/encoded/chunk.ts, encoded by the collect workers), so they are copied as they are:
 * fixed-width values and validity masks in one call each, long strings as one heap that DuckDB copies into the
 * vector's string heap (as row 0's value), after which each row's `duckdb_string_t` is pointed into that copy. The
 * batch columns (source, node, batch, position, person) are encoded here by the same encoder, then copied the same way.
 */

const CHUNK_ROWS = bindings.vector_size();
if (CHUNK_ROWS < ENCODED_CHUNK_ROWS) throw new Error(`DuckDB's vector size is ${CHUNK_ROWS}; encoded chunks hold ${ENCODED_CHUNK_ROWS} rows`);

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
const BATCH_COLUMNS = EVENT_COLUMNS.filter((column) => BATCH_COLUMN_NAMES.has(column.name));
const KINDS = EVENT_COLUMNS.map((column) => kindOf(column.type));
/** For each event-log column, where it is: among the parts' encoded columns, or (-1) among the batch columns. */
const ENCODED_INDEX = EVENT_COLUMNS.map((column) => ENCODED_COLUMNS.indexOf(column));
const BATCH_INDEX = EVENT_COLUMNS.map((column) => BATCH_COLUMNS.indexOf(column));
/** The string buffer kept between appends; one grown past it (a chunk of very large events) is let go. */
const HEAP_KEEP_BYTES = 4 << 20;

/** Where a batch column's value comes from. */
const BATCH_VALUES: Record<string, (part: BatchPart, row: number) => string | number> = {
  source_id: (part) => part.sourceId,
  node_id: (part) => part.nodeId,
  batch_seq: (part) => part.batchSeq,
  batch_pos: (part, row) => part.firstPosition + row,
  person_id: (part, row) => part.personIds[row]!,
};
for (const column of BATCH_COLUMNS) if (!BATCH_VALUES[column.name]) throw new Error(`no batch value for column ${column.name}`);

/** The group's batch columns, part after part. */
function batchFill(group: readonly BatchPart[]): ColumnFill {
  return (column, values) => {
    const valueOf = BATCH_VALUES[column.name]!;
    let firstRow = 0;
    for (const part of group) {
      for (let r = 0; r < part.chunk.rows; r++) values[firstRow + r] = valueOf(part, r);
      firstRow += part.chunk.rows;
    }
  };
}

/** One per writer connection: its buffers are reused from batch to batch, so appends must not interleave. */
export class EventChunkWriter {
  private readonly entries = new Uint8Array(CHUNK_ROWS * STRING_ENTRY_BYTES);
  private readonly entryWords = new Uint32Array(this.entries.buffer);
  private readonly longOffsets = new Uint32Array(CHUNK_ROWS);
  /** Signed words: a set top bit read back from a Uint32Array is no int32 (TurboFan deoptimised: "lost precision"). */
  private readonly validity = new Int32Array(Math.ceil(CHUNK_ROWS / 32));
  private chunk: DuckDBDataChunk | null = null;
  /** One column's long strings, gathered from the chunk's parts. */
  private heap = Buffer.allocUnsafe(1 << 20);

  /**
   * Appends the batch's parts, as many whole parts per data chunk as fit (a request's part is ~500 rows): fewer,
   * fuller chunks and native calls. Throws what DuckDB throws; rows then belong to no one.
   */
  append(appender: DuckDBAppender, batch: EventBatch): void {
    try {
      const parts = batch.parts();
      for (let next = 0; next < parts.length; ) {
        const group = [parts[next]!];
        let rows = parts[next++]!.chunk.rows;
        while (next < parts.length && rows + parts[next]!.chunk.rows <= CHUNK_ROWS) {
          rows += parts[next]!.chunk.rows;
          group.push(parts[next++]!);
        }
        this.appendGroup(appender, group, rows);
      }
    } finally {
      this.chunk?.reset(); // hold none of its strings: the heap is native memory, freed when V8 collects the chunk, if ever
      if (this.heap.length > HEAP_KEEP_BYTES) this.heap = Buffer.allocUnsafe(1 << 20);
    }
  }

  private appendGroup(appender: DuckDBAppender, group: BatchPart[], rows: number): void {
    const chunk = this.emptyChunk(rows);
    const parts = group.map((part) => part.chunk);
    const batchColumns = [encoderOfThisThread().encodeColumns(BATCH_COLUMNS, rows, batchFill(group))];
    for (let c = 0; c < EVENT_COLUMNS.length; c++) {
      const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
      const encoded = ENCODED_INDEX[c]!;
      if (encoded >= 0) this.copyColumn(vector, parts, encoded, KINDS[c]!, rows);
      else this.copyColumn(vector, batchColumns, BATCH_INDEX[c]!, KINDS[c]!, rows);
    }
    appender.appendDataChunk(chunk);
  }

  /**
   * The writer's one chunk, emptied. Reused rather than created per append: a chunk's native memory (~100 KB of
   * vectors plus its string heaps) goes back only when V8 finalises the wrapper, which a small heap rarely does.
   * The Appender copies what it is given (strings included), so emptying the chunk after each append is safe.
   */
  private emptyChunk(size: number): DuckDBDataChunk {
    this.chunk ??= DuckDBDataChunk.create(CHUNK_TYPES);
    this.chunk.reset();
    this.chunk.rowCount = size;
    return this.chunk;
  }

  /** Column `column` of each chunk, each at its rows: values copied as they are, validity merged bit by bit. */
  private copyColumn(vector: Vector, chunks: EncodedChunk[], column: number, kind: ColumnKind, rows: number): void {
    if (kind === 'string') this.copyStrings(vector, chunks, column, rows);
    let hasNulls = false;
    let firstRow = 0;
    for (const { rows: chunkRows, bytes, layout } of chunks) {
      if (kind !== 'string') {
        const width = rowBytes(kind);
        const data = layout[column * LAYOUT_FIELDS]!;
        bindings.copy_data_to_vector(vector, firstRow * width, bytes.buffer as ArrayBuffer, bytes.byteOffset + data, chunkRows * width);
      }
      if (layout[column * LAYOUT_FIELDS + 3]! >= 0) hasNulls = true;
      firstRow += chunkRows;
    }
    if (hasNulls) this.copyValidity(vector, chunks, column, rows);
  }

  private copyValidity(vector: Vector, chunks: EncodedChunk[], column: number, rows: number): void {
    const { validity } = this;
    validity.fill(-1);
    let firstRow = 0;
    for (const chunk of chunks) {
      const at = chunk.layout[column * LAYOUT_FIELDS + 3]!;
      if (at >= 0) {
        for (let r = 0; r < chunk.rows; r++) {
          if (!isNullAt(chunk.bytes, at, r)) continue;
          const row = firstRow + r;
          validity[row >>> 5]! &= ~(1 << (row & 31));
        }
      }
      firstRow += chunk.rows;
    }
    bindings.vector_ensure_validity_writable(vector);
    bindings.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, validityBytes(rows));
  }

  /** The chunks' entries side by side, their heaps gathered into one; the chunks themselves stay as encoded. */
  private copyStrings(vector: Vector, chunks: EncodedChunk[], column: number, rows: number): void {
    const { entries, entryWords, longOffsets } = this;
    let firstRow = 0;
    let heapUsed = 0;
    for (const chunk of chunks) {
      const { bytes, layout } = chunk;
      const data = layout[column * LAYOUT_FIELDS]!;
      const heap = layout[column * LAYOUT_FIELDS + 1]!;
      const heapBytes = layout[column * LAYOUT_FIELDS + 2]!;
      entries.set(bytes.subarray(data, data + chunk.rows * STRING_ENTRY_BYTES), firstRow * STRING_ENTRY_BYTES);
      if (heapBytes > 0) {
        if (this.heap.length - heapUsed < heapBytes) this.growHeap(heapUsed, heapBytes);
        this.heap.set(bytes.subarray(heap, heap + heapBytes), heapUsed);
        for (let r = firstRow; r < firstRow + chunk.rows; r++) {
          const word = (r * STRING_ENTRY_BYTES) >>> 2;
          if (entryWords[word]! > INLINE_STRING_BYTES) longOffsets[r] = heapUsed + entryWords[word + 2]!;
        }
        heapUsed += heapBytes;
      }
      firstRow += chunk.rows;
    }
    if (heapUsed > 0) this.pointIntoVectorHeap(vector, this.heap.subarray(0, heapUsed), rows);
    bindings.copy_data_to_vector(vector, 0, entries.buffer, 0, rows * STRING_ENTRY_BYTES);
  }

  /**
   * DuckDB copies `heap` into the vector's own string heap as row 0's value; each long entry (length > 12) then gets
   * that copy's address plus its offset, `longOffsets[row]` (row 0's entry is rewritten by the caller's copy, the
   * allocation stays).
   */
  private pointIntoVectorHeap(vector: Vector, heap: Uint8Array, rows: number): void {
    const { entryWords, longOffsets } = this;
    bindings.vector_assign_string_element_len(vector, 0, heap);
    const head = bindings.vector_get_data(vector, STRING_ENTRY_BYTES); // a copy of row 0's entry: its pointer
    const pointer = new DataView(head.buffer, head.byteOffset, STRING_ENTRY_BYTES);
    const baseLow = pointer.getUint32(8, true);
    const baseHigh = pointer.getUint32(12, true);
    for (let r = 0; r < rows; r++) {
      const word = (r * STRING_ENTRY_BYTES) >>> 2;
      if (entryWords[word]! <= INLINE_STRING_BYTES) continue;
      const low = baseLow + longOffsets[r]!;
      entryWords[word + 2] = low >>> 0;
      entryWords[word + 3] = baseHigh + (low >= TWO_32 ? 1 : 0);
    }
  }

  private growHeap(used: number, needed: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.heap.length * 2, used + needed));
    this.heap.copy(grown, 0, 0, used);
    this.heap = grown;
  }
}
