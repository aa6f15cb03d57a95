import { parse } from 'csv-parse/sync';
import { LineError } from './report.js';
import { coerceValue, toIsoTimestamp, type TimestampFormat } from './values.js';

export const CSV_EVENT_TYPES = ['track', 'identify', 'page'] as const;
export type CsvEventType = (typeof CSV_EVENT_TYPES)[number];

export interface CsvOptions {
  /** ",", ";", "|", … (one character), "tab", or "whitespace" (runs of spaces/tabs, trimmed). Default ",". */
  delimiter?: string;
  /** The first non-blank line names the columns (default true). */
  header?: boolean;
  /** Column names; required without a header, and replace the header's names when given with one. */
  columns?: string[];
  type?: CsvEventType;
  /** Constant event name for track rows (a mapped `event` column wins when the cell is not empty). */
  event?: string;
  /** Segment field path → column name. Without a map every column is used (see defaultMapping). */
  map?: Record<string, string>;
  timestampFormat?: TimestampFormat;
}

/** Top-level Segment fields a column may fill; anything else goes under properties., traits. or context. */
const TOP_LEVEL = new Set(['userId', 'anonymousId', 'event', 'name', 'timestamp', 'messageId', 'groupId']);
const NESTED = ['properties', 'traits', 'context'];
/** Keys that would reach Object.prototype through setPath. */
const UNSAFE_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

interface Mapping {
  target: string;
  path: string[];
  index: number;
}

/** Parse `--map "userId=customer_id,properties.revenue=dollar_value"`. */
export function parseMap(spec: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new Error(`--map: "${pair}" is not target=column`);
    map[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return map;
}

function checkTarget(target: string): string[] {
  const path = target.split('.');
  const ok = path.length === 1 ? TOP_LEVEL.has(target) : NESTED.includes(path[0]!) && path.slice(1).every((p) => p !== '' && !UNSAFE_KEYS.has(p));
  if (!ok) {
    throw new Error(
      `--map: unknown target "${target}". Use ${[...TOP_LEVEL].join(', ')} or a path under properties., traits. or context.`,
    );
  }
  return path;
}

/** Without --map: columns named like Segment fields fill them; the rest become properties (traits for identify). */
function defaultMapping(columns: string[], type: CsvEventType): Record<string, string> {
  const map: Record<string, string> = {};
  for (const column of columns) {
    const nested = NESTED.some((n) => column.startsWith(`${n}.`) && column.length > n.length + 1);
    map[TOP_LEVEL.has(column) || nested ? column : `${type === 'identify' ? 'traits' : 'properties'}.${column}`] = column;
  }
  return map;
}

function delimiterOf(option: string | undefined): string | 'whitespace' {
  if (option === undefined || option === '') return ',';
  if (option === 'whitespace') return 'whitespace';
  if (option === 'tab' || option === '\\t') return '\t';
  if ([...option].length !== 1) throw new Error(`--delimiter must be one character, "tab" or "whitespace" (got "${option}")`);
  return option;
}

/**
 * Turns one CSV line into a Segment event through the column mapping. Lines are parsed one at a time (the
 * importer streams lines to track byte offsets for resuming), so quoted fields spanning lines are not supported.
 */
export class CsvMapper {
  readonly columns: string[];
  private readonly delimiter: string;
  private readonly mappings: Mapping[];
  private readonly type: CsvEventType;

  /** `headerText` is the header line when options.header is on (null otherwise). */
  constructor(
    private readonly options: CsvOptions,
    headerText: string | null,
  ) {
    this.delimiter = delimiterOf(options.delimiter);
    this.type = options.type ?? 'track';
    if (options.header === false && !options.columns?.length) throw new Error('--no-header needs --columns a,b,c to name the columns');
    let fromHeader: string[] | null = null;
    try {
      fromHeader = headerText === null ? null : this.split(headerText);
    } catch (error) {
      throw new Error(`Cannot read the CSV header line: ${(error as Error).message}`);
    }
    const columns = options.columns?.length ? options.columns : fromHeader;
    if (!columns || columns.length === 0) throw new Error('The CSV file is empty: no header line');
    this.columns = columns.map((c) => c.trim());
    const map = options.map && Object.keys(options.map).length > 0 ? options.map : defaultMapping(this.columns, this.type);
    this.mappings = Object.entries(map).map(([target, column]) => {
      const index = this.columns.indexOf(column);
      if (index === -1) throw new Error(`--map: no column "${column}" (columns: ${this.columns.join(', ')})`);
      return { target, path: checkTarget(target), index };
    });
    if (this.type === 'track' && !options.event && !this.mappings.some((m) => m.target === 'event')) {
      throw new Error('Track rows need an event name: --event "Order Completed" or --map event=COLUMN');
    }
  }

  toEvent(text: string): Record<string, unknown> {
    const cells = this.split(text);
    if (cells.length !== this.columns.length) {
      throw new LineError(`expected ${this.columns.length} columns (${this.columns.join(', ')}), got ${cells.length}`);
    }
    const event: Record<string, unknown> = { type: this.type };
    if (this.type === 'track' && this.options.event) event.event = this.options.event;
    for (const { target, path, index } of this.mappings) {
      const cell = cells[index]!;
      // An empty cell is an absent value, so a constant --event or a missing id is not overwritten by "".
      if (cell === '') continue;
      setPath(event, path, this.value(target, path, cell));
    }
    return event;
  }

  private value(target: string, path: string[], cell: string): unknown {
    if (target === 'timestamp') return toIsoTimestamp(cell, this.options.timestampFormat ?? 'auto');
    // Ids and context values stay strings: "00042" is a customer, not 42.
    if (path[0] === 'properties' || path[0] === 'traits') return coerceValue(cell);
    return cell;
  }

  private split(text: string): string[] {
    if (this.delimiter === 'whitespace') return text.trim().split(/[ \t]+/);
    try {
      const rows = parse(text, { delimiter: this.delimiter, trim: true, relax_column_count: true }) as string[][];
      return rows[0] ?? [];
    } catch (error) {
      // csv-parse counts lines within the one line it was given ("at line 1"), which would only mislead.
      throw new LineError(`CSV: ${(error as Error).message.replace(/ at line \d+/, '')}`);
    }
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = (next !== null && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}
