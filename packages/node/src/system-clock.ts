import type { Clock } from '@market-pulse/core';

/** The host's clock, for production wiring (tests use core's manual clock). */
export const systemClock: Clock = Object.freeze({
  now: () => new Date(),
  // Lease expiry is measured on a clock that wall-clock adjustments cannot move.
  monotonicMs: () => performance.now(),
});
