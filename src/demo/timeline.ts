/**
 * Puts the whole synthetic history in time order without holding it in memory. Each customer's plan is a list
 * of episodes (a visit, a renewal, a ticket…) with a start time; an episode is expanded into events only when
 * the merge reaches its start, and every event it makes is at or after that start. So events leave in
 * non-decreasing time, and only the events of episodes in progress are held.
 */

interface Entry {
  at: number;
  seq: number;
}

class MinHeap<T extends Entry> {
  private readonly items: T[] = [];

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

/** Earlier time first; at the same time, the one scheduled first (seq), which keeps the order deterministic. */
const before = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

interface Episode extends Entry {
  run: () => void;
}

interface Pending extends Entry {
  event: Record<string, unknown>;
}

export class Timeline {
  private readonly episodes = new MinHeap<Episode>();
  private readonly pending = new MinHeap<Pending>();
  private seq = 0;
  /** Start of the episode being expanded: nothing may be emitted or scheduled before it. */
  private now = -Infinity;

  constructor(readonly endMs: number) {}

  /** Plan an episode; those at or after the end of the history are dropped (they have not happened yet). */
  schedule(at: number, run: () => void): void {
    if (at >= this.endMs) return;
    if (at < this.now) throw new Error(`demo: episode at ${at} scheduled while expanding ${this.now}`);
    this.episodes.push({ at, seq: this.seq++, run });
  }

  /** An event of the episode being expanded; events after the end of the history are left out. */
  emit(at: number, event: Record<string, unknown>): void {
    if (at >= this.endMs) return;
    if (at < this.now) throw new Error(`demo: event at ${at} emitted while expanding ${this.now}`);
    this.pending.push({ at, seq: this.seq++, event });
  }

  /** Every event in time order; `at` is the event's time in epoch ms. */
  *drain(): Generator<{ at: number; event: Record<string, unknown> }> {
    for (;;) {
      const episode = this.episodes.peek();
      const next = this.pending.peek();
      if (episode !== undefined && (next === undefined || episode.at <= next.at)) {
        this.episodes.pop();
        this.now = episode.at;
        episode.run();
        continue;
      }
      if (next === undefined) return;
      this.pending.pop();
      yield { at: next.at, event: next.event };
    }
  }
}
