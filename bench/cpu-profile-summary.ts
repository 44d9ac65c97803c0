import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` file (Node's --cpu-prof output) that the summary reads. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  /** Microseconds between consecutive samples. */
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  /** Start-up time left out of the summary. */
  skippedMs: number;
  totalMs: number;
  /** Self time by area: a package under node_modules, a src/ folder, Node internals, GC or idle. */
  areas: ProfileRow[];
  functions: ProfileRow[];
}

/**
 * Sums the self time of each sampled function of a CPU profile, and of each code area, leaving
 * out the samples of the first `skipMs` (start-up: module loading, migrations, seeding).
 */
export function summariseCpuProfile(file: string, options: { skipMs?: number; top?: number } = {}): ProfileSummary {
  const top = options.top ?? 15;
  const skipUs = (options.skipMs ?? 0) * 1000;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByNode = new Map<number, number>();
  let elapsedUs = 0;
  profile.samples.forEach((nodeId, index) => {
    const deltaUs = profile.timeDeltas[index] ?? 0;
    elapsedUs += deltaUs;
    if (elapsedUs >= skipUs) selfByNode.set(nodeId, (selfByNode.get(nodeId) ?? 0) + deltaUs);
  });

  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let totalUs = 0;
  for (const [nodeId, selfUs] of selfByNode) {
    const frame = nodes.get(nodeId)!.callFrame;
    totalUs += selfUs;
    const name = `${frame.functionName || '(anonymous)'} ${shortLocation(frame.url, frame.lineNumber)}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + selfUs);
    const area = areaOf(frame.url, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + selfUs);
  }
  const rows = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: us / totalUs }));
  return { file: path.basename(file), skippedMs: options.skipMs ?? 0, totalMs: totalUs / 1000, areas: rows(byArea), functions: rows(byFunction) };
}

function shortLocation(url: string, lineNumber: number): string {
  if (!url) return '';
  const withoutScheme = url.replace(/^file:\/\//, '');
  const modules = withoutScheme.lastIndexOf('node_modules/');
  const short = modules >= 0 ? withoutScheme.slice(modules + 'node_modules/'.length) : withoutScheme.replace(/^.*?\/(src|bench|test)\//, '$1/');
  return `(${short}:${lineNumber + 1})`;
}

/** Groups a frame: `pg`, `@mikro-orm/core`, `src/delivery`, `node internals`, `(garbage collector)`. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node internals';
  const source = /\/(src\/[^/]+)\//.exec(url);
  return source ? source[1] : 'other';
}

/** Runs standalone: `npx ts-node --transpile-only bench/cpu-profile-summary.ts [--skip=MS] FILE.cpuprofile...`. */
if (require.main === module) {
  const skip = process.argv.find((argument) => argument.startsWith('--skip='));
  for (const file of process.argv.slice(2).filter((argument) => !argument.startsWith('--'))) {
    const summary = summariseCpuProfile(file, { skipMs: skip ? Number(skip.slice('--skip='.length)) : 0 });
    process.stdout.write(`\n${summary.file}: ${summary.totalMs.toFixed(0)} ms sampled\n`);
    for (const row of [...summary.areas, { name: '---', selfMs: 0, share: 0 }, ...summary.functions]) {
      process.stdout.write(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.selfMs.toFixed(0).padStart(7)} ms  ${row.name}\n`);
    }
  }
}
