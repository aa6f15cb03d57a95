/** Rows per replay request: whole batches are grouped until a page holds about this many events. */
export const REPLAY_PAGE_ROWS = 10_000;

export interface BatchSize {
  batchSeq: number;
  rows: number;
}

/** Consecutive batch-number ranges to fetch for a replay; a batch is never split, however large. */
export function replayPages(sizes: BatchSize[], pageRows = REPLAY_PAGE_ROWS): { first: number; last: number }[] {
  const pages: { first: number; last: number }[] = [];
  let page: { first: number; last: number; rows: number } | undefined;
  for (const { batchSeq, rows } of sizes) {
    if (page && page.rows + rows > pageRows) {
      pages.push({ first: page.first, last: page.last });
      page = undefined;
    }
    page ??= { first: batchSeq, last: batchSeq, rows: 0 };
    page.last = batchSeq;
    page.rows += rows;
  }
  if (page) pages.push({ first: page.first, last: page.last });
  return pages;
}
