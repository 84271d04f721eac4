import type { Timers } from '@market-pulse/core';

/** The host's timers, for production wiring (tests drive core with their own). */
export const systemTimers: Timers = Object.freeze({
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});
