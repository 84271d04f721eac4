/** Where time comes from. Core never reads the system clock itself. */
export interface Clock {
  /** The current wall-clock instant. */
  now(): Date;
  /**
   * Milliseconds on a clock that never jumps (for measuring how long something lasted, e.g. lease
   * expiry). Defaults to `now()` when absent.
   */
  monotonicMs?(): number;
}

/** Monotonic milliseconds of a clock, falling back to wall-clock time. */
export function monotonicMs(clock: Clock): number {
  return clock.monotonicMs ? clock.monotonicMs() : clock.now().getTime();
}
