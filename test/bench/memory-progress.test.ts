import { formatMemoryProgress } from '../../bench/scenarios';

describe('formatMemoryProgress', () => {
  it('counts toward the goal below it', () => {
    expect(formatMemoryProgress(39_999, 40_000)).toBe('memory: 39999 of 40000 deliveries');
  });

  it('reports the goal as reached past it', () => {
    const line = formatMemoryProgress(49_719, 40_000);

    expect(line).toBe('memory: 40000 deliveries reached (49719 delivered), the load stops when the measurements after a full GC end');
    expect(line).not.toContain('of 40000');
  });
});
