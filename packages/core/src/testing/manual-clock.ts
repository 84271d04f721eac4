import type { Clock } from '../ports/clock.js';

/** A clock that moves only when told: time in tests comes from here, never from sleeping. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` (negative values are refused: time does not go back). */
  advance(ms: number): Date;
  /** Sets the time; it may not go backwards. */
  set(time: Date | string): Date;
}

/**
 * @example
 * ```ts
 * const clock = createManualClock('2026-03-13T18:29:00Z');
 * clock.advance(60_000);
 * clock.now().toISOString(); // '2026-03-13T18:30:00.000Z'
 * ```
 */
export function createManualClock(start: Date | string | number): ManualClock {
  let current = new Date(start).getTime();
  if (Number.isNaN(current)) throw new RangeError(`invalid start time: ${String(start)}`);
  return {
    now: () => new Date(current),
    monotonicMs: () => current,
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms} ms`);
      current += ms;
      return new Date(current);
    },
    set(time: Date | string) {
      const next = new Date(time).getTime();
      if (Number.isNaN(next) || next < current)
        throw new RangeError(`cannot set the clock to ${String(time)}`);
      current = next;
      return new Date(current);
    },
  };
}
