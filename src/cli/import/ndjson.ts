import { LineError } from './report.js';

/**
 * One NDJSON line as the event it holds. Only JSON syntax is checked here; the shape (a `type`, field types)
 * is checked by the collect pipeline, exactly as for an HTTP batch item.
 */
export function parseNdjsonLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LineError(`CT_INVALID_JSON ${(error as Error).message}`);
  }
}
