/**
 * Named steps of core's multi-step protocols (DESIGN §2). A test build makes a step crash the
 * process (`MP_FAILPOINT=run.after-rows-written:kill`) so crash tests hit every step
 * deterministically. Off unless configured.
 */
export interface Failpoints {
  /**
   * Called by core as it reaches `step` (e.g. `run.after-rows-written`). Returns at once unless
   * that step is armed (`MP_FAILPOINT=<step>:kill`), in which case the process dies or pauses there.
   */
  hit(step: string): void | Promise<void>;
}

/** Failpoints that never fire: the production default. */
export const NO_FAILPOINTS: Failpoints = Object.freeze({ hit: () => undefined });
