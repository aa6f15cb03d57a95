import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (pino). `level: 'silent'` for tests. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'crumbtrail' }, timestamp: pino.stdTimeFunctions.isoTime });
}
