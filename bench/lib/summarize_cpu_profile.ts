/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`, as `npm run bench -- --cpu-prof` writes)
 * and says where the time went: by package or source file, and by function (self and
 * inclusive time). Also runnable on its own:
 * `node --import tsx bench/lib/summarize_cpu_profile.ts <file.cpuprofile> [top]`.
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of a `.cpuprofile` this reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  /** Microseconds between consecutive samples. */
  readonly timeDeltas: readonly number[];
}

/** A function or category with its share of sampled time. */
export interface ProfileEntry {
  readonly name: string;
  /** Milliseconds. */
  readonly ms: number;
  /** Percent of all sampled time, idle included. */
  readonly percent: number;
}

/** Where the time went. */
export interface ProfileSummary {
  /** Milliseconds sampled. */
  readonly totalMs: number;
  /** Percent of the time the thread was idle (waiting for the network). */
  readonly idlePercent: number;
  /** Self time by package / keygate source file / V8 bucket, largest first. */
  readonly byCategory: readonly ProfileEntry[];
  /** Self time by function, largest first. */
  readonly selfByFunction: readonly ProfileEntry[];
  /** Inclusive time (function and everything it called) by function, largest first. */
  readonly inclusiveByFunction: readonly ProfileEntry[];
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function shortUrl(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
}

/** Package (`node_modules/<name>`), keygate source file, `node:` core, or a V8 bucket. */
function categoryOf(functionName: string, url: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  const path = shortUrl(url);
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (module?.[1]) return `npm:${module[1]}`;
  if (path.startsWith('packages/')) return path;
  if (path.startsWith('node:')) return 'node core (JS)';
  return path;
}

function functionKey(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  return `${name}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function ranked(totals: Map<string, number>, totalUs: number): ProfileEntry[] {
  return [...totals.entries()]
    .map(([name, us]) => ({ name, ms: us / 1000, percent: totalUs > 0 ? (us / totalUs) * 100 : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

/**
 * Attributes each sample's interval (the time until the next sample) to the function on top
 * of the stack (self time) and once to every distinct function on the stack (inclusive time).
 */
export function summarizeCpuProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const categories = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  const add = (map: Map<string, number>, key: string, us: number) =>
    map.set(key, (map.get(key) ?? 0) + us);

  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i];
    const node = id === undefined ? undefined : byId.get(id);
    if (!node || us <= 0) continue;
    totalUs += us;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') idleUs += us;
    add(self, functionKey(node.callFrame), us);
    add(categories, categoryOf(functionName, url), us);
    const seen = new Set<string>();
    for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      const key = functionKey(frame);
      if (!seen.has(key)) {
        seen.add(key);
        add(inclusive, key, us);
      }
    }
  }
  return {
    totalMs: totalUs / 1000,
    idlePercent: totalUs > 0 ? (idleUs / totalUs) * 100 : 0,
    byCategory: ranked(categories, totalUs),
    selfByFunction: ranked(self, totalUs),
    inclusiveByFunction: ranked(inclusive, totalUs),
  };
}

/** Text report of a summary: the top `top` entries of each list. */
export function formatProfileSummary(summary: ProfileSummary, top = 20): string {
  const list = (title: string, entries: readonly ProfileEntry[]) =>
    [
      title,
      ...entries
        .slice(0, top)
        .map((entry) => `  ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}`),
    ].join('\n');
  return [
    `sampled ${(summary.totalMs / 1000).toFixed(1)} s, idle ${summary.idlePercent.toFixed(1)}%`,
    list('self time by package / file:', summary.byCategory),
    list('self time by function:', summary.selfByFunction),
    list('inclusive time by function:', summary.inclusiveByFunction),
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: summarize_cpu_profile.ts <file.cpuprofile> [top]\n');
    process.exitCode = 2;
  } else {
    const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
    process.stdout.write(
      `${formatProfileSummary(summarizeCpuProfile(profile), Number(top ?? 25))}\n`,
    );
  }
}
