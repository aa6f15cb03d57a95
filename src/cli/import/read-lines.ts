import fs from 'node:fs';

/** One physical line of the file, without its terminator. */
export interface Line {
  /** 1-based physical line number (blank lines and a CSV header count, so numbers match an editor's). */
  number: number;
  text: string;
  /** Byte offset just past this line's terminator: where a resumed import starts reading. */
  end: number;
  /** The line was longer than MAX_LINE_BYTES; its text was not kept. */
  tooLong: boolean;
}

/** No valid event comes near this (events are capped at 32 KB); the cap keeps a file without newlines from filling memory. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

const NEWLINE = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface ReadFrom {
  /** Byte offset to start at; must be the start of a line (0 or a previous Line.end). */
  offset: number;
  /** Number of the line that starts at `offset`. */
  lineNumber: number;
}

/**
 * Stream a file's lines with exact byte offsets. node:readline is not used because it hides which terminator
 * ended a line (and also splits on a lone "\r"), so offsets computed from its output drift; splitting the
 * bytes on "\n" ourselves and stripping one trailing "\r" is exact for LF and CRLF files.
 */
export async function* readLines(file: string, from: ReadFrom = { offset: 0, lineNumber: 1 }): AsyncGenerator<Line> {
  let offset = from.offset;
  let number = from.lineNumber;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;

  const finish = (lineBytes: number): Line => {
    let buf = tooLong ? Buffer.alloc(0) : parts.length === 1 ? parts[0]! : Buffer.concat(parts, partBytes);
    if (buf.length > 0 && buf[buf.length - 1] === CR) buf = buf.subarray(0, buf.length - 1);
    // A UTF-8 byte-order mark (Excel writes one) would otherwise stick to the first column name.
    if (offset === 0 && buf.subarray(0, 3).equals(BOM)) buf = buf.subarray(3);
    const line: Line = { number, text: buf.toString('utf8'), end: offset + lineBytes, tooLong };
    offset += lineBytes;
    number++;
    parts = [];
    partBytes = 0;
    tooLong = false;
    return line;
  };

  const keep = (chunk: Buffer): void => {
    partBytes += chunk.length;
    if (tooLong) return;
    if (partBytes > MAX_LINE_BYTES) {
      tooLong = true;
      parts = [];
      return;
    }
    parts.push(chunk);
  };

  // partBytes counts the bytes of the line so far even when its text was dropped, so `end` stays exact.
  for await (const chunk of fs.createReadStream(file, { start: from.offset, highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      keep(chunk.subarray(start, nl));
      yield finish(partBytes + 1);
      start = nl + 1;
    }
    if (start < chunk.length) keep(chunk.subarray(start));
  }
  if (partBytes > 0) yield finish(partBytes);
}

/** The first `bytes` bytes of a file (fewer if it is shorter). */
export async function readHead(file: string, bytes: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The first non-blank line (a CSV header), or null for an empty file. */
export async function firstNonBlankLine(file: string): Promise<Line | null> {
  for await (const line of readLines(file)) {
    if (line.text.trim() !== '') return line;
  }
  return null;
}
