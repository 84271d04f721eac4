import { type Failpoints, MarketPulseError, NO_FAILPOINTS } from '@market-pulse/core';

/**
 * Failpoints from `MP_FAILPOINT` — a testing aid, off unless set (DESIGN §2):
 * `<step>:kill` makes the process SIGKILL itself at that step; `<step>:pause` writes
 * `failpoint <step> paused <pid>` to stderr and waits for SIGUSR2 (tests hold a run inside the
 * pipeline lease this way). Steps are core's `RUN_STEPS` and `VIEW_STEPS`.
 */
export function failpointsFromEnv(
  spec: string | undefined,
  stderr: { write(text: string): unknown } = process.stderr,
): Failpoints {
  if (spec === undefined || spec.trim() === '') return NO_FAILPOINTS;
  const match = /^([a-z0-9.-]+):(kill|pause)$/.exec(spec.trim());
  if (!match)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `MP_FAILPOINT must be <step>:kill or <step>:pause (got ${spec})`,
    );
  const [, target, action] = match;
  return {
    hit(step: string) {
      if (step !== target) return undefined;
      if (action === 'kill') {
        process.kill(process.pid, 'SIGKILL');
        return new Promise<void>(() => undefined); // never resumes: the signal is on its way
      }
      stderr.write(`failpoint ${step} paused ${process.pid}\n`);
      // A pending promise does not keep Node running: hold the event loop open until released.
      const keepAlive = setInterval(() => undefined, 60_000);
      return new Promise<void>((resolve) =>
        process.once('SIGUSR2', () => {
          clearInterval(keepAlive);
          resolve();
        }),
      );
    },
  };
}
