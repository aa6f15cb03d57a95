import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DROP_REASONS } from '../../core/events.js';
import { readHead } from './read-lines.js';
import type { Totals } from './report.js';

const HEAD_BYTES = 64 * 1024;

/**
 * Identifies the file's content cheaply (first 64 KB + size) without hashing gigabytes. Message ids of rows
 * without one derive from it and the line number, so importing the same file again deduplicates; the price is
 * that a file which grows or changes size gets a new namespace (and new ids).
 */
export async function fileNamespace(file: string, size: number): Promise<string> {
  const head = await readHead(file, HEAD_BYTES);
  return createHash('sha256').update(head).update(`\u0000${size}`).digest('hex');
}

const checkpointSchema = z.object({
  version: z.literal(1),
  file: z.string(),
  size: z.number().int().nonnegative(),
  namespace: z.string(),
  /** The options that decide what each line becomes; resuming with other options would mix two imports. */
  settings: z.string(),
  /** Byte offset just past `lineNumber`: the next run starts reading here. */
  byteOffset: z.number().int().nonnegative(),
  /** Last line whose events the store acknowledged (or that was malformed or blank). */
  lineNumber: z.number().int().nonnegative(),
  totals: z.object({
    lines: z.number().int(),
    accepted: z.number().int(),
    dropped: z.number().int(),
    drops: z.partialRecord(z.enum(DROP_REASONS), z.number().int()),
    malformed: z.number().int(),
    malformedLines: z.array(z.object({ line: z.number().int(), message: z.string() })),
  }),
  updatedAt: z.string(),
});

export type Checkpoint = z.infer<typeof checkpointSchema>;

/** The checkpoint file of an in-process import: one per file content, in the data folder. */
export function dataDirCheckpointPath(dataDir: string, namespace: string): string {
  return path.join(dataDir, 'imports', `${namespace}.json`);
}

/** Over HTTP the data folder is out of reach, so the checkpoint sits next to the file (git-ignored pattern). */
export function sideFileCheckpointPath(file: string): string {
  return `${file}.crumbtrail-import.json`;
}

/** The saved checkpoint, or null when there is none. A corrupt one is an error: silently starting over would re-send everything. */
export function loadCheckpoint(file: string): Checkpoint | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let parsed: ReturnType<typeof checkpointSchema.safeParse>;
  try {
    parsed = checkpointSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw new Error(`The import checkpoint ${file} is not valid JSON (${(error as Error).message}). Delete it or pass --restart.`);
  }
  if (!parsed.success) {
    throw new Error(`The import checkpoint ${file} is not a checkpoint this version understands. Delete it or pass --restart.`);
  }
  return parsed.data;
}

/** Write to a temporary file and rename, so a crash mid-write never leaves half a checkpoint. */
export function saveCheckpoint(file: string, checkpoint: Omit<Checkpoint, 'version' | 'updatedAt'> & { totals: Totals }): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const body: Checkpoint = { version: 1, ...checkpoint, updatedAt: new Date().toISOString() };
  fs.writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function removeCheckpoint(file: string): void {
  fs.rmSync(file, { force: true });
}
