import type { Clock } from '../core/clock.js';
import { CrumbtrailError } from '../core/errors.js';
import type { AnalyticsReader } from '../store/event-store/port.js';
import { QUERY_KINDS } from './kinds/index.js';
import type { QueryContext } from './kinds/kind.js';
import { dialectFor } from './sql/dialect-for.js';
import { releaseGarbage } from '../ops/heap.js';
import { MB } from '../core/units.js';

/** After a query, a heap above this is mostly the query's garbage (the server idles at ~20–25 MB used). */
const QUERY_GARBAGE_BYTES = 48 * MB;

export function queryContext(reader: AnalyticsReader, clock: Clock): QueryContext {
  return { reader, dialect: dialectFor(reader), clock };
}

/** Validate a definition for `kind` and run it: the one entry point for the API, the CLI and jobs. */
export async function runAnalyticsQuery(kind: string, definition: unknown, context: QueryContext): Promise<unknown> {
  const found = QUERY_KINDS.find((k) => k.name === kind);
  if (!found) throw new CrumbtrailError('CT_UNKNOWN_QUERY_KIND', `"${kind}" is not a query kind`);
  const parsed = found.schema.safeParse(definition ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new CrumbtrailError('CT_INVALID_ANALYTICS_QUERY', issues.map((i) => `${i.path || '(definition)'}: ${i.message}`).join('; '), { issues });
  }
  try {
    return await found.run(parsed.data, context);
  } finally {
    // Before the next query's engine memory stacks on this one's heap (src/ops/heap.ts); after the answer is
    // on its way, so the collection is not part of this query's time.
    setImmediate(() => releaseGarbage(QUERY_GARBAGE_BYTES));
  }
}
