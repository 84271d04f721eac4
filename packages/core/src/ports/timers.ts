/**
 * Timers, injected so that tests drive waiting loops without waiting (Node: the global
 * `setTimeout`/`clearTimeout`).
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A promise that resolves after `ms` on the given timers. */
export function pause(timers: Timers, ms: number): Promise<void> {
  return new Promise((resolve) => {
    timers.setTimeout(resolve, ms);
  });
}
