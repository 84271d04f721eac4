import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

/** Steps of long work, as a progress bar on stderr when it is a terminal (SPEC §14); silent otherwise. */
export interface Progress {
  step(label: string): void;
  done(): void;
}

export function createProgress(io: CliIO, steps: readonly string[]): Progress {
  if (!io.stderrIsTTY) return { step: () => undefined, done: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {value}/{total} {label}',
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(steps.length, 0, { label: steps[0] ?? '' });
  let done = 0;
  return {
    step(label) {
      bar.update(++done, { label });
    },
    done() {
      bar.stop();
    },
  };
}
