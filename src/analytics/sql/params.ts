import type { QueryValue } from '../../store/event-store/port.js';

/**
 * Collects a query's bound values. Every value from a definition (event names, property keys and values,
 * times) goes through add(), which hands back a `$pN` placeholder: definitions never become SQL text.
 */
export class Params {
  readonly values: Record<string, QueryValue> = {};
  private next = 0;

  add(value: QueryValue): string {
    const name = `p${this.next++}`;
    this.values[name] = value;
    return `$${name}`;
  }

  /** Rebinds a placeholder add() handed back, e.g. to run the same SQL again for the next pass. */
  set(placeholder: string, value: QueryValue): void {
    const name = placeholder.slice(1);
    if (!Object.hasOwn(this.values, name)) throw new Error(`${placeholder} is not a placeholder of this query`);
    this.values[name] = value;
  }
}
