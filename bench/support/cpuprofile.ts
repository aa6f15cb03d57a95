/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time with their url:line,
 * self time grouped by package / source file, and the project's own functions by inclusive time. Locations
 * in dist/ are mapped back to the TypeScript source through the .js.map files next to them.
 *
 *   node dist/bench/support/cpuprofile.js /tmp/prof/CPU.….cpuprofile [--top 25]
 */
import fs from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../src/core/version.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number; // 0-based
  columnNumber: number; // 0-based
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface FunctionTotals {
  name: string;
  location: string;
  area: string;
  selfUs: number;
  totalUs: number;
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

const sourceMaps = new Map<string, SourceMap | null>();

function sourceMapFor(file: string): SourceMap | null {
  if (!sourceMaps.has(file)) {
    let map: SourceMap | null = null;
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload);
    } catch {
      map = null;
    }
    sourceMaps.set(file, map);
  }
  return sourceMaps.get(file)!;
}

/** "src/ingest/ingestor.ts:93" for project code (via the source map), "fastify/lib/route.js:120" for packages. */
function describe(frame: CallFrame, root: string): { location: string; area: string } {
  const { url } = frame;
  const line = frame.lineNumber + 1;
  if (url === '') return { location: '(native)', area: SPECIAL.has(frame.functionName) ? frame.functionName : '(native / V8 builtins)' };
  if (url.startsWith('node:')) return { location: `${url}:${line}`, area: `node:${url.slice(5).split('/')[0]}` };
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 'node_modules/'.length);
    const parts = rest.split('/');
    const pkg = rest.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    return { location: `${rest}:${line}`, area: pkg };
  }
  let location = `${path.relative(root, file)}:${line}`;
  let area = path.relative(root, file);
  const map = sourceMapFor(file);
  if (map && frame.lineNumber >= 0) {
    const entry = map.findEntry(frame.lineNumber, Math.max(0, frame.columnNumber)) as { originalSource?: string; originalLine?: number };
    if (entry.originalSource && entry.originalLine !== undefined) {
      const original = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(file), entry.originalSource);
      area = path.relative(root, original);
      location = `${area}:${entry.originalLine + 1}`;
    }
  }
  return { location, area };
}

export interface ProfileSummary {
  durationMs: number;
  sampledMs: number;
  functions: FunctionTotals[];
  areas: { area: string; selfUs: number }[];
}

export function summariseProfile(file: string, root: string): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // Sample i lasts until sample i+1 (timeDeltas[i+1]); the last sample gets the mean interval.
  const mean = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  let sampledUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1]! : mean;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    sampledUs += dt;
  }

  const functions = new Map<string, FunctionTotals>();
  const keyOf = new Map<number, string>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
    keyOf.set(node.id, key);
    if (!functions.has(key)) {
      const { location, area } = describe(f, root);
      functions.set(key, { name: f.functionName || '(anonymous)', location, area, selfUs: 0, totalUs: 0 });
    }
    functions.get(key)!.selfUs += selfUs.get(node.id) ?? 0;
  }

  // Inclusive time: a node's subtree, counted once per function even when it recurses.
  const subtree = new Map<number, number>();
  const inclusive = (id: number): number => {
    const node = byId.get(id)!;
    let sum = selfUs.get(id) ?? 0;
    for (const child of node.children ?? []) sum += inclusive(child);
    subtree.set(id, sum);
    return sum;
  };
  const rootNode = profile.nodes[0]!;
  inclusive(rootNode.id);
  const onStack = new Map<string, number>();
  const walk = (id: number) => {
    const key = keyOf.get(id)!;
    const depth = onStack.get(key) ?? 0;
    if (depth === 0) functions.get(key)!.totalUs += subtree.get(id) ?? 0;
    onStack.set(key, depth + 1);
    for (const child of byId.get(id)!.children ?? []) walk(child);
    onStack.set(key, depth);
  };
  walk(rootNode.id);

  const areas = new Map<string, number>();
  for (const f of functions.values()) areas.set(f.area, (areas.get(f.area) ?? 0) + f.selfUs);
  return {
    durationMs: (profile.endTime - profile.startTime) / 1000,
    sampledMs: sampledUs / 1000,
    functions: [...functions.values()],
    areas: [...areas.entries()].map(([area, us]) => ({ area, selfUs: us })).sort((a, b) => b.selfUs - a.selfUs),
  };
}

const ms = (us: number) => (us / 1000).toFixed(0).padStart(8);
const pct = (us: number, of: number) => `${((100 * us) / of).toFixed(1).padStart(5)}%`;

/** Human-readable report; percentages are of the busy (non-idle) time. */
export function formatProfile(summary: ProfileSummary, top = 25): string {
  const idle = summary.functions.filter((f) => f.name === '(idle)').reduce((s, f) => s + f.selfUs, 0);
  const busy = Math.max(1, summary.sampledMs * 1000 - idle);
  const lines: string[] = [];
  lines.push(`profile: ${(summary.durationMs / 1000).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s (main thread only; % of busy time)`);
  lines.push('');
  lines.push(`top ${top} functions by self time`);
  lines.push(`  ${'self ms'.padStart(8)}  ${'self'.padStart(6)}  ${'total'.padStart(6)}  function  (location)`);
  const ranked = summary.functions.filter((f) => f.name !== '(idle)' && f.name !== '(root)').sort((a, b) => b.selfUs - a.selfUs);
  for (const f of ranked.slice(0, top)) {
    lines.push(`  ${ms(f.selfUs)}  ${pct(f.selfUs, busy)}  ${pct(f.totalUs, busy)}  ${f.name}  (${f.location})`);
  }
  lines.push('');
  lines.push('self time by package / source file');
  for (const a of summary.areas.filter((x) => x.area !== '(idle)' && x.area !== '(root)').slice(0, 20)) {
    lines.push(`  ${ms(a.selfUs)}  ${pct(a.selfUs, busy)}  ${a.area}`);
  }
  lines.push('');
  lines.push('project functions (src/) by inclusive time');
  const own = summary.functions.filter((f) => f.area.startsWith('src/')).sort((a, b) => b.totalUs - a.totalUs);
  for (const f of own.slice(0, 20)) lines.push(`  ${ms(f.totalUs)}  ${pct(f.totalUs, busy)}  ${f.name}  (${f.location})`);
  return lines.join('\n');
}

/** The newest .cpuprofile in a folder, or null. */
export function newestProfile(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0] ?? null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const target = args.find((a, i) => !a.startsWith('--') && (topAt < 0 || i !== topAt + 1));
  const file = target && fs.statSync(target).isDirectory() ? newestProfile(target) : target;
  if (!file) {
    process.stderr.write('usage: node dist/bench/support/cpuprofile.js <file.cpuprofile | folder> [--top 25]\n');
    process.exit(2);
  }
  process.stdout.write(`${file}\n${formatProfile(summariseProfile(file, PACKAGE_ROOT), top)}\n`);
}
