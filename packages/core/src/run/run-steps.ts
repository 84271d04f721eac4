// The run protocol's named steps (failpoints, DESIGN §2) and how a pipeline lease names its run.

/** The lease purpose naming the run that holds the pipeline. */
export const runPurpose = (runId: number) => `run:${runId}`;

/** The run a pipeline lease's purpose names, if any. */
export function runIdOfPurpose(purpose: string | undefined): number | undefined {
  const match = /^run:(\d+)$/.exec(purpose ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The failpoints of the run protocol, in order. */
export const RUN_STEPS = [
  'run.after-lease',
  'run.after-run-id',
  'run.after-running-record',
  'run.after-rules',
  'run.after-rows-written',
  'run.after-excluded-written',
  'run.after-errors-written',
  'run.after-commit',
] as const;
/** One named step of the run protocol. */
export type RunStep = (typeof RUN_STEPS)[number];
