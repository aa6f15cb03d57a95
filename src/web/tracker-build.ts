import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { PACKAGE_ROOT, VERSION } from '../core/version.js';

/** The budget for crumbtrail.js, gzipped. test/browser/tracker-build.test.ts holds us to it. */
export const TRACKER_GZIP_BUDGET_BYTES = 6 * 1024;

export const TRACKER_ENTRY = path.join(PACKAGE_ROOT, 'tracker', 'src', 'index.ts');
/** Where `npm run build` writes the tracker; the compiled server serves it from here. */
export const TRACKER_OUTFILE = path.join(PACKAGE_ROOT, 'dist', 'tracker', 'crumbtrail.js');

export interface TrackerBuild {
  code: string;
  /** The same, gzipped once (served to browsers that accept gzip). */
  gzip: Buffer;
  bytes: number;
  gzipBytes: number;
}

export function measure(code: string): TrackerBuild {
  const gzip = zlib.gzipSync(code, { level: 9 });
  return { code, gzip, bytes: Buffer.byteLength(code), gzipBytes: gzip.length };
}

/**
 * Bundle tracker/src into one minified IIFE with esbuild. esbuild is a devDependency: only `npm run build` and
 * the server running from source (tsx, tests) call this; the compiled server reads TRACKER_OUTFILE instead.
 */
export async function buildTracker(): Promise<TrackerBuild> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [TRACKER_ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2019'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
    define: { __VERSION__: JSON.stringify(VERSION) },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return measure(`/*! crumbtrail.js ${VERSION} | MIT */\n${code}`);
}

export async function writeTrackerBuild(): Promise<TrackerBuild> {
  const build = await buildTracker();
  fs.mkdirSync(path.dirname(TRACKER_OUTFILE), { recursive: true });
  fs.writeFileSync(TRACKER_OUTFILE, build.code);
  return build;
}
