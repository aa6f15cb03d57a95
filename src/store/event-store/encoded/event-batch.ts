import type { StoredEvent } from '../../../core/events.js';
import { EVENT_COLUMNS, rowToStoredEvent, type EventRow } from '../columns.js';
import { decodeChunk, ENCODED_CHUNK_ROWS, type EncodedChunk } from './chunk.js';
import { encoderOfThisThread } from './encoder.js';

/** One encoded chunk of a batch, with the batch columns its rows share or were given at the flush. */
export interface BatchPart {
  chunk: EncodedChunk;
  sourceId: string;
  nodeId: string;
  batchSeq: number;
  /** The batch position (`batch_pos`) of the chunk's first row; the others follow it. */
  firstPosition: number;
  /** One per row. */
  personIds: readonly string[];
}

/**
 * Rows for EventStore.append, in either form, each made from the other only when asked: encoded parts (from the
 * collect workers: DuckDB copies them) or event objects (imports, migration, tests; ClickHouse takes rows).
 */
export class EventBatch {
  private partsMemo: readonly BatchPart[] | null;
  private eventsMemo: readonly StoredEvent[] | null;

  private constructor(
    readonly count: number,
    readonly messageIds: readonly string[],
    parts: readonly BatchPart[] | null,
    events: readonly StoredEvent[] | null,
  ) {
    this.partsMemo = parts;
    this.eventsMemo = events;
  }

  static fromParts(parts: readonly BatchPart[], messageIds: readonly string[]): EventBatch {
    const count = parts.reduce((sum, part) => sum + part.chunk.rows, 0);
    if (count !== messageIds.length) throw new Error(`a batch of ${count} rows came with ${messageIds.length} messageIds`);
    return new EventBatch(count, messageIds, parts, null);
  }

  static fromEvents(events: readonly StoredEvent[]): EventBatch {
    return new EventBatch(events.length, events.map((e) => e.messageId), null, events);
  }

  /** The batch as encoded parts (events given as objects are encoded on this thread, the first time). */
  parts(): readonly BatchPart[] {
    return (this.partsMemo ??= encodeEvents(this.eventsMemo ?? []));
  }

  /** The batch as event objects (parts are decoded, the first time). */
  events(): readonly StoredEvent[] {
    return (this.eventsMemo ??= this.rows().map(rowToStoredEvent));
  }

  /** The batch as rows keyed by column name (times in epoch ms), fresh objects, for engines that take rows. */
  rows(): EventRow[] {
    if (this.partsMemo !== null) return this.partsMemo.flatMap(decodePart);
    return (this.eventsMemo ?? []).map((event, position) => {
      const row: EventRow = {};
      for (const column of EVENT_COLUMNS) row[column.name] = column.read(event, position);
      return row;
    });
  }
}

/** Runs of events sharing source, node and batch, at most a chunk each, encoded. */
function encodeEvents(events: readonly StoredEvent[]): BatchPart[] {
  const parts: BatchPart[] = [];
  let start = 0;
  while (start < events.length) {
    const first = events[start]!;
    let end = start + 1;
    while (
      end < events.length &&
      end - start < ENCODED_CHUNK_ROWS &&
      events[end]!.sourceId === first.sourceId &&
      events[end]!.nodeId === first.nodeId &&
      events[end]!.batchSeq === first.batchSeq
    ) {
      end++;
    }
    const run = events.slice(start, end);
    const [chunk] = encoderOfThisThread().encode(run);
    parts.push({
      chunk: chunk!,
      sourceId: first.sourceId,
      nodeId: first.nodeId,
      batchSeq: first.batchSeq,
      firstPosition: start,
      personIds: run.map((e) => e.personId),
    });
    start = end;
  }
  return parts;
}

function decodePart(part: BatchPart): EventRow[] {
  const rows = decodeChunk(part.chunk);
  rows.forEach((row, r) => {
    row.source_id = part.sourceId;
    row.node_id = part.nodeId;
    row.batch_seq = part.batchSeq;
    row.batch_pos = part.firstPosition + r;
    row.person_id = part.personIds[r]!;
  });
  return rows;
}

/** What EventStore.append takes: a batch, or event objects (imports, migration, tests). */
export type AppendInput = EventBatch | readonly StoredEvent[];

export function asEventBatch(input: AppendInput): EventBatch {
  return input instanceof EventBatch ? input : EventBatch.fromEvents(input);
}
