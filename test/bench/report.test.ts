import { parseBenchOptions } from '../../bench/options';
import { renderMarkdown, type BenchResults, type TopologyResult } from '../../bench/report';
import type { MemoryCheckpoint } from '../../bench/scenarios';

const MIB = 1024 * 1024;

function checkpoint(deliveries: number, rssMiB: number, rssAfterGcMiB: number): MemoryCheckpoint {
  return {
    deliveries,
    rssBytesByRole: { all: rssMiB * MIB },
    rssAfterGcBytesByRole: { all: rssAfterGcMiB * MIB },
    heapUsedAfterGcBytesByRole: { all: 50 * MIB },
    afterGcErrors: [],
  };
}

/** Returns the result of a single-process topology that measured only the memory scenario. */
function memoryOnlyTopology(): TopologyResult {
  return {
    topology: 'single',
    throughput: [],
    latency: [],
    attachments: null,
    memory: [checkpoint(1_004, 250, 130), checkpoint(4_010, 240, 132)],
    peakRssBytesByRole: { all: 300 * MIB },
    problems: [],
    duplicates: 0,
    failedLogs: 0,
    error: null,
  };
}

function resultsOf(argv: string[], topologies: TopologyResult[]): BenchResults {
  return {
    startedAt: new Date('2026-01-01T00:00:00Z'),
    finishedAt: new Date('2026-01-01T00:05:00Z'),
    command: `npm run bench -- ${argv.join(' ')}`,
    machine: {
      cores: 2,
      cpuModel: 'test CPU',
      memoryBytes: 4096 * MIB,
      node: process.version,
      postgres: '15',
      database: 'postgres://postgres@127.0.0.1:5432/postgres',
      loadAverageAtStart: 0.5,
      commitLatency: { count: 100, p50: 0.3, p95: 0.6, p99: 1, max: 2 },
    },
    options: parseBenchOptions(argv),
    topologies,
    ceilings: [],
    profiles: [],
  };
}

/** Returns the data rows of the Targets table, or an empty list without that section. */
function targetRows(markdown: string): string[] {
  const section = /### Targets\n\n([\s\S]*?)\n\n/.exec(`${markdown}\n\n`)?.[1] ?? '';
  return section.split('\n').slice(2);
}

describe('renderMarkdown with --only', () => {
  it('memory only omits the Points line', () => {
    const markdown = renderMarkdown(resultsOf(['--quick', '--only=memory', '--no-docs'], [memoryOnlyTopology()]));

    expect(markdown).not.toContain('- Points:');
  });

  it('memory only lists only the memory target', () => {
    const markdown = renderMarkdown(resultsOf(['--quick', '--only=memory', '--no-docs'], [memoryOnlyTopology()]));
    const rows = targetRows(markdown);

    expect(rows).toHaveLength(1);
    expect(rows[0]).toBe('| single | RSS after a full GC, growth between memory checkpoints | ≤ 10% (flat) | 2% (one raw sample: -4%) | yes |');
    expect(markdown).not.toContain('not measured');
  });

  it('throughput without ceiling omits the share row', () => {
    const topology = { ...memoryOnlyTopology(), memory: null };
    const rows = targetRows(renderMarkdown(resultsOf(['--only=throughput', '--no-docs'], [topology])));

    expect(rows.map((row) => row.split(' | ')[1])).toEqual(['deliveries/s (best point)']);
  });

  it('ceiling only has no Targets section', () => {
    const topology = { ...memoryOnlyTopology(), memory: null };
    const markdown = renderMarkdown(resultsOf(['--only=ceiling', '--no-docs'], [topology]));

    expect(markdown).not.toContain('### Targets');
    expect(markdown).toContain('- Points: 20 s measured after 3 s warm-up');
  });
});

describe('renderMarkdown of a full run', () => {
  it('marks failed measurements as not measured', () => {
    const markdown = renderMarkdown(resultsOf(['--no-docs'], [memoryOnlyTopology()]));
    const rows = targetRows(markdown);

    expect(markdown).toContain('- Points: 20 s measured after 3 s warm-up');
    expect(rows).toHaveLength(5);
    expect(rows.filter((row) => row.endsWith('| not measured |'))).toHaveLength(4);
    expect(rows[4]).toContain('| 2% (one raw sample: -4%) | yes |');
  });
});
