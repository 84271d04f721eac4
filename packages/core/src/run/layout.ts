// Where the run protocol keeps its objects in the store (one place, DESIGN §2).

export const RUN_ID_COUNTER = 'counters/run-id.json';
export const PIPELINE_LEASE = 'locks/pipeline.json';
export const RULES_DOCUMENT = 'config/rules.json';
export const RUN_INDEX = 'runs/index.json';

/** RUN_IDs are zero-padded in keys so that key order is numeric order. */
const runDir = (runId: number) => `runs/${String(runId).padStart(10, '0')}`;

export const runKeys = (runId: number) => ({
  running: `${runDir(runId)}/running.json`,
  rowsPart: (part: number) => `${runDir(runId)}/rows/${String(part).padStart(5, '0')}.jsonl`,
  excluded: `${runDir(runId)}/excluded.jsonl`,
  rowErrors: `${runDir(runId)}/row-errors.json`,
  /** The run exists exactly when this exists (SPEC §4). */
  commit: `${runDir(runId)}/commit.json`,
});

/** The lease purpose naming the run that holds the pipeline. */
export const runPurpose = (runId: number) => `run:${runId}`;
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
export type RunStep = (typeof RUN_STEPS)[number];
