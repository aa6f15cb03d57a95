import type { Dialect } from './dialect.js';

/**
 * Named intermediate relations of one query. On DuckDB they become materialized CTEs, computed once however
 * often the query reads them (each read of a repeated subquery would scan the event log again); ClickHouse
 * 18.16 has no CTE subqueries, so there the text is inlined where it is read. Used by retention and
 * onboarding.
 */
export class Relations {
  private readonly ctes: string[] = [];

  constructor(private readonly d: Dialect) {}

  /** Register `sql` (a SELECT) as `name`; returns the text to read it by. */
  add(name: string, sql: string): string {
    if (this.d.name !== 'duckdb') return `(${sql})`;
    this.ctes.push(`${name} AS MATERIALIZED (${sql})`);
    return name;
  }

  /** The final SELECT with the registered relations in front. */
  query(select: string): string {
    return this.ctes.length === 0 ? select : `WITH ${this.ctes.join(',\n')}\n${select}`;
  }
}
