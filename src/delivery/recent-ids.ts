/**
 * Remembers the ids added during the last `retainMs`, each with the group it belongs to (the
 * deliveryLog feed's groups are workspaces), so that rows loaded twice can be recognised and
 * each group's share counted. Old ids are dropped only when new ones are added, and only those
 * added more than `retainMs` before the newest, so a pause without additions keeps every id of
 * the window before it.
 */
export class RecentIds {
  private readonly members = new Set<number>();
  private readonly countByGroup = new Map<number, number>();
  private ids: number[] = [];
  private groups: number[] = [];
  private addedAt: number[] = [];
  /** Index of the oldest id still kept in `ids`, `groups` and `addedAt`. */
  private head = 0;

  constructor(private readonly retainMs: number) {}

  has(id: number): boolean {
    return this.members.has(id);
  }

  add(id: number, group: number, now: number = Date.now()): void {
    if (this.members.has(id)) return;
    this.members.add(id);
    this.ids.push(id);
    this.groups.push(group);
    this.addedAt.push(now);
    this.countByGroup.set(group, (this.countByGroup.get(group) ?? 0) + 1);
    this.dropOlderThan(now - this.retainMs);
  }

  get size(): number {
    return this.members.size;
  }

  /** Returns how many of the remembered ids belong to `group`. */
  countOf(group: number): number {
    return this.countByGroup.get(group) ?? 0;
  }

  private dropOlderThan(cutoff: number): void {
    while (this.head < this.ids.length && this.addedAt[this.head] < cutoff) {
      this.members.delete(this.ids[this.head]);
      this.forgetOneOf(this.groups[this.head]);
      this.head += 1;
    }
    // Compacts the arrays once most of them is dropped, so they do not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.groups = this.groups.slice(this.head);
      this.addedAt = this.addedAt.slice(this.head);
      this.head = 0;
    }
  }

  private forgetOneOf(group: number): void {
    const count = this.countByGroup.get(group)! - 1;
    if (count === 0) this.countByGroup.delete(group);
    else this.countByGroup.set(group, count);
  }
}
