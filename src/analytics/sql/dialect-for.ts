import type { AnalyticsReader } from '../../store/event-store/port.js';
import { clickhouse } from './clickhouse.js';
import type { Dialect } from './dialect.js';
import { duckdb } from './duckdb.js';

/** The SQL dialect of an event store's analytic reader. */
export function dialectFor(reader: AnalyticsReader): Dialect {
  return reader.dialect === 'duckdb' ? duckdb : clickhouse(reader.tables);
}
