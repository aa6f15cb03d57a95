import { createProgress, type Progress } from '../progress.js';

const MB = 1024 * 1024;

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Import progress by bytes of the file (the only total known without reading it twice); update() takes the
 * bytes done and the events the store acknowledged in this run (accepted or dropped).
 */
export function createImportProgress(options: { enabled: boolean; totalBytes: number; startBytes: number; stream?: NodeJS.WriteStream }): Progress {
  const { totalBytes, startBytes } = options;
  return createProgress({
    enabled: options.enabled,
    stream: options.stream,
    total: totalBytes,
    start: startBytes,
    bar: {
      format: 'import |{bar}| {percentage}% | {done}/{size} MB | {events} events | {rate} events/s | ETA {eta_formatted}',
      // ETA from this run's speed only: a resumed import starts part-way and must not look instantaneous.
      progressCalculationRelative: true,
      etaBuffer: 50,
      fields: (bytes) => ({ done: (bytes / MB).toFixed(1), size: (totalBytes / MB).toFixed(1) }),
    },
    line: ({ value: bytes, events, eventsPerSecond, elapsedSeconds }) => {
      const percent = totalBytes > 0 ? (100 * bytes) / totalBytes : 100;
      const bytesPerSecond = (bytes - startBytes) / elapsedSeconds;
      return (
        `import: ${percent.toFixed(1)}% (${(bytes / MB).toFixed(1)}/${(totalBytes / MB).toFixed(1)} MB), ` +
        `${events} events, ${Math.round(eventsPerSecond)} events/s, ETA ${eta((totalBytes - bytes) / bytesPerSecond)}`
      );
    },
  });
}
