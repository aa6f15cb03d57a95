import type { EventRow } from '../columns.js';
import { stringLiteral, trustedSql } from './sql-literals.js';

/**
 * Reading whole events WITH FINAL is too costly on 18.16: FINAL merges every part at once, and each part
 * holds read buffers and a block for every column it reads, so memory grows with parts × columns
 * (measured: 73 parts, 41 columns → over 1.9 GiB with default settings; 260 MiB at best when tuned). So
 * reads run in two steps:
 *  1. FINAL over these few columns picks which rows count (the surviving copy of each messageId, in order);
 *  2. a plain read fetches the whole rows for those messageIds, and pickSurvivors keeps the copy step 1
 *     chose (node_id, batch_seq, batch_pos tell copies apart; copies equal in those are one retried batch
 *     and identical).
 * Step 1 on the same 73 parts: ~67 MiB.
 */
export const SURVIVOR_COLUMNS = trustedSql('message_id, node_id, batch_seq, batch_pos');

export interface Survivor extends EventRow {
  message_id: string;
  node_id: string;
  batch_seq: string | number;
  batch_pos: string | number;
}

const sameCopy = (a: EventRow, b: Survivor) =>
  String(a.node_id) === b.node_id && Number(a.batch_seq) === Number(b.batch_seq) && Number(a.batch_pos) === Number(b.batch_pos);

/**
 * The full rows of `survivors`, in their order. A survivor whose exact copy is gone (merged away between the
 * two reads because a newer duplicate arrived) falls back to another copy of its messageId; a messageId with
 * no row left at all is skipped.
 */
export function pickSurvivors(survivors: Survivor[], rows: EventRow[]): EventRow[] {
  const byMessage = new Map<string, EventRow[]>();
  for (const row of rows) {
    const id = String(row.message_id);
    const copies = byMessage.get(id);
    if (copies) copies.push(row);
    else byMessage.set(id, [row]);
  }
  const picked: EventRow[] = [];
  for (const survivor of survivors) {
    const copies = byMessage.get(survivor.message_id);
    const row = copies?.find((c) => sameCopy(c, survivor)) ?? copies?.[0];
    if (row) picked.push(row);
  }
  return picked;
}

/**
 * Splits ids into lists whose literals stay well under max_query_size (256 KiB by default, on 18.16 too),
 * since dedup and step 2 of a timeline name messageIds in an IN list.
 */
export function idChunks(ids: string[], maxLiteralChars = 100_000): string[][] {
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const id of ids) {
    const length = stringLiteral(id).length + 2;
    if (chunk.length > 0 && size + length > maxLiteralChars) {
      chunks.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(id);
    size += length;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
