import type { ReadScope } from '@market-pulse/core';

/**
 * Serialised answers of reads keyed by data version, reader scope and query: a page asked again
 * (pollers, desks on the same page) is sent without building or serialising it again. Least
 * recently used first out, within a byte budget. A new data version makes every old key unused.
 */
export class AnswerCache {
  private readonly bodies = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): string | undefined {
    const body = this.bodies.get(key);
    if (body !== undefined) {
      this.bodies.delete(key);
      this.bodies.set(key, body);
    }
    return body;
  }

  set(key: string, body: string): void {
    // Characters, not bytes: the budget is approximate (JSON here is mostly ASCII).
    if (body.length > this.maxBytes / 4) return;
    const old = this.bodies.get(key);
    if (old !== undefined) this.bytes -= old.length;
    this.bodies.set(key, body);
    this.bytes += body.length;
    for (const [k, b] of this.bodies) {
      if (this.bytes <= this.maxBytes) break;
      this.bodies.delete(k);
      this.bytes -= b.length;
    }
  }
}

/** What a reader sees, as a key: readers with the same sectors and columns get the same answers. */
export function scopeKeyOf(scope: ReadScope): string {
  const rows = scope.rows.all ? '*' : [...scope.rows.sectors].sort().join(',');
  const columns = scope.columns.all ? '*' : [...scope.columns.visible].sort().join(',');
  return `${rows}\u0000${columns}`;
}
