import type { EventRow } from './columns.js';
import { ACTIVITY_CONTEXT_FIELDS, type FirstTouch, type PersonActivity } from './port.js';

/**
 * The SQL both engines share for person activity (plain SQL that DuckDB and ClickHouse 18.16 both accept), and
 * the one place rows become a PersonActivity. Engine-specific parts (latest-value aggregates, id lists) stay in
 * the adapters.
 */
export const COUNTED_NAME_SQL = "if(type = 'track', coalesce(event, '$track'), concat('$', type))";

export const FIRST_TOUCH_WHERE = '(utm_source IS NOT NULL OR utm_campaign IS NOT NULL OR referrer IS NOT NULL)';

/** The first touch's columns; each adapter adds `at` (epoch ms) in its own dialect. */
export const FIRST_TOUCH_SELECT = 'utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, url';

const text = (value: unknown): string | null => (value === null || value === undefined || value === '' ? null : String(value));

/**
 * counts: rows of {name, n, first, last}; context: one row keyed like ACTIVITY_CONTEXT_FIELDS; touch: one
 * row of FIRST_TOUCH_SELECT or null. Times arrive as epoch ms (numbers, bigints or numeric strings).
 */
export function activityFromRows(counts: EventRow[], context: EventRow, touch: EventRow | null): PersonActivity {
  const eventCounts: Record<string, number> = {};
  let firstSeen = Number.POSITIVE_INFINITY;
  let lastSeen = Number.NEGATIVE_INFINITY;
  for (const row of counts) {
    eventCounts[String(row.name)] = Number(row.n);
    firstSeen = Math.min(firstSeen, Number(row.first));
    lastSeen = Math.max(lastSeen, Number(row.last));
  }
  const latest: PersonActivity['context'] = {};
  for (const key of Object.keys(ACTIVITY_CONTEXT_FIELDS) as (keyof typeof ACTIVITY_CONTEXT_FIELDS)[]) {
    const value = text(context[key]);
    if (value !== null) latest[key] = value;
  }
  const firstTouch: FirstTouch | null =
    touch === null
      ? null
      : {
          utmSource: text(touch.utm_source),
          utmMedium: text(touch.utm_medium),
          utmCampaign: text(touch.utm_campaign),
          utmTerm: text(touch.utm_term),
          utmContent: text(touch.utm_content),
          referrer: text(touch.referrer),
          url: text(touch.url),
          at: Number(touch.at),
        };
  return { firstSeen, lastSeen, eventCounts, context: latest, firstTouch };
}
