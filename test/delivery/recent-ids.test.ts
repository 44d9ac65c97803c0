import { RecentIds } from '../../src/delivery/recent-ids';

// The deliveryLog catch-up sizes each workspace's query by the ids of that workspace it
// streamed lately, so the counts must follow additions and drops group by group.
describe('RecentIds', () => {
  it('counts ids per group', () => {
    const recent = new RecentIds(1_000);
    recent.add(1, 7, 0);
    recent.add(2, 7, 0);
    recent.add(3, 9, 0);
    recent.add(2, 9, 0);

    expect(recent.size).toBe(3);
    expect(recent.countOf(7)).toBe(2);
    expect(recent.countOf(9)).toBe(1);
    expect(recent.countOf(11)).toBe(0);
  });

  it('lowers counts of dropped ids', () => {
    const recent = new RecentIds(1_000);
    recent.add(1, 7, 0);
    recent.add(2, 9, 700);
    recent.add(3, 9, 1_600);

    expect(recent.has(1)).toBe(false);
    expect(recent.countOf(7)).toBe(0);
    expect(recent.countOf(9)).toBe(2);

    recent.add(4, 7, 2_700);
    expect([recent.has(2), recent.has(3)]).toEqual([false, false]);
    expect(recent.countOf(9)).toBe(0);
    expect(recent.countOf(7)).toBe(1);
  });

  it('keeps counts across compaction', () => {
    const recent = new RecentIds(10);
    for (let id = 1; id <= 5_000; id += 1) recent.add(id, id % 2, id);

    expect(recent.size).toBe(11);
    expect(recent.countOf(0) + recent.countOf(1)).toBe(11);
    expect(recent.countOf(0)).toBe(6);
    expect(recent.has(5_000 - 10)).toBe(true);
    expect(recent.has(5_000 - 11)).toBe(false);
  });
});
