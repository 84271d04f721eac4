/**
 * Named steps of core's multi-step protocols (DESIGN §2). A test build makes a step crash the
 * process (`MP_FAILPOINT=run.after-rows-written:kill`) so crash tests hit every step
 * deterministically. Off unless configured.
 */
export interface Failpoints {
  hit(step: string): void | Promise<void>;
}

export const NO_FAILPOINTS: Failpoints = Object.freeze({ hit: () => undefined });
