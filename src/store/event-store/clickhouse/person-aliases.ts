import type { PersonMerge } from '../port.js';

/** The newest version of one person_aliases row. `to === from` is a tombstone: not merged (any more). */
export interface AliasRow {
  from: string;
  to: string;
  at: number;
  version: number;
}

/**
 * The rows to insert so the alias table stays flat after `merges` (every alias points at a final person),
 * given the current newest rows for every person the merges mention and every alias pointing at them.
 *
 * ClickHouse 18.16 cannot UPDATE, so where the DuckDB adapter re-points old aliases in place, this writes a
 * new row with `version` one above the row it replaces; ReplacingMergeTree(version) and FINAL make it win.
 * Beyond that in-place update it also keeps the table flat when a merge arrives out of order: a merge into a
 * person who was merged away follows that person to where it went, and a merge into one's own alias (the
 * reverse of an earlier merge) turns the earlier alias into a tombstone instead of a cycle.
 */
export function aliasRowsForMerges(current: AliasRow[], merges: PersonMerge[]): AliasRow[] {
  const stored = new Map(current.map((row) => [row.from, row]));
  const view = new Map(stored);
  const changed = new Set<string>();
  const aliasOf = (person: string): string | undefined => {
    const row = view.get(person);
    return row && row.to !== row.from ? row.to : undefined;
  };
  const write = (from: string, to: string, at: number) => {
    view.set(from, { from, to, at, version: 0 });
    changed.add(from);
  };

  for (const merge of merges) {
    if (merge.from === merge.to) continue;
    // The table is flat, so one hop reaches the final person.
    let target = aliasOf(merge.to) ?? merge.to;
    if (target === merge.from) {
      // `to` had been merged into `from`; now `from` goes into `to`, so `to` is final again.
      write(merge.to, merge.to, view.get(merge.to)!.at);
      target = merge.to;
    }
    for (const row of [...view.values()]) {
      if (row.to === merge.from && row.from !== row.to) write(row.from, target, row.at);
    }
    write(merge.from, target, merge.at);
  }

  const rows: AliasRow[] = [];
  for (const from of changed) {
    const next = view.get(from)!;
    const before = stored.get(from);
    // Re-recording a merge that is already there (the idempotent retry) writes nothing.
    if (before && before.to === next.to && before.at === next.at) continue;
    if (!before && next.to === next.from) continue;
    rows.push({ ...next, version: (before?.version ?? 0) + 1 });
  }
  return rows;
}

/** Every id the stored rows must be read for: the merges' people, and the aliases pointing at them. */
export function peopleInMerges(merges: PersonMerge[]): string[] {
  return [...new Set(merges.flatMap((m) => [m.from, m.to]))];
}
