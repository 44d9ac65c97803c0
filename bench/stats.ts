import { readFileSync } from 'node:fs';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Returns p50, p95, p99 and max of `values` as nearest-rank percentiles. Every field is NaN when `values` is empty. */
export function summariseLatencies(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
  return { count: sorted.length, p50: rank(50), p95: rank(95), p99: rank(99), max: sorted.length ? sorted[sorted.length - 1] : Number.NaN };
}

/** Counts the times in [from, to). */
export function countBetween(times: number[], from: number, to: number): number {
  let count = 0;
  for (const time of times) if (time >= from && time < to) count += 1;
  return count;
}

/** CPU time of the processes involved in a measurement, read from /proc (Linux). */
export interface CpuSnapshot {
  at: number;
  /** CPU seconds used so far by each pid. */
  processSeconds: Map<number, number>;
  /** Busy and total jiffies of the whole machine. */
  machine: { busy: number; total: number };
}

// Linux reports process CPU times in clock ticks (USER_HZ), 100 per second on x86-64 and arm64; `getconf CLK_TCK` prints it.
const CLOCK_TICKS_PER_SECOND = 100;

export function takeCpuSnapshot(pids: number[]): CpuSnapshot {
  const processSeconds = new Map<number, number>();
  for (const pid of pids) {
    try {
      // Fields after the command name (which may contain spaces) start at the state field.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      processSeconds.set(pid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND);
    } catch {
      processSeconds.set(pid, Number.NaN);
    }
  }
  return { at: performance.now(), processSeconds, machine: readMachineJiffies() };
}

function readMachineJiffies(): { busy: number; total: number } {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = values[3] + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** CPU cores used by each pid between two snapshots, and the busy share of the whole machine. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): { coresByPid: Map<number, number>; machineBusy: number } {
  const seconds = (after.at - before.at) / 1000;
  const coresByPid = new Map<number, number>();
  for (const [pid, used] of after.processSeconds) coresByPid.set(pid, (used - (before.processSeconds.get(pid) ?? Number.NaN)) / seconds);
  const machineBusy = (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total);
  return { coresByPid, machineBusy };
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}

export function formatMs(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) return 'n/a';
  return milliseconds >= 100 ? `${milliseconds.toFixed(0)} ms` : `${milliseconds.toFixed(1)} ms`;
}

export function formatMiB(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return 'n/a';
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function formatKiB(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(0)} KiB` : 'n/a';
}

export function formatPercent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(0)}%` : 'n/a';
}
