import { isMarketPulseError } from '@market-pulse/core';

/** The exit codes of SPEC §14 (documented in `--help` and the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, invalidInput: 3, busy: 4, conflict: 5 } as const;

/** The one place errors become exit codes. */
export function exitCodeOf(err: unknown): number {
  if (!isMarketPulseError(err)) return EXIT.failure;
  switch (err.code) {
    case 'VALIDATION_ERROR':
    case 'PAYLOAD_TOO_LARGE':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return EXIT.invalidInput;
    case 'CONFLICT':
      return (err.details as { reason?: string } | undefined)?.reason === 'pipeline-busy'
        ? EXIT.busy
        : EXIT.conflict;
    case 'PRECONDITION_FAILED':
      return EXIT.conflict;
    default:
      return EXIT.failure;
  }
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  failure (a failed run, a missing data folder, an I/O error)
  2  usage (unknown command or option)
  3  invalid input (bad file, header, rows, rule, date)
  4  busy (another run holds the pipeline)
  5  conflict (stale version, duplicate upload, already in that state)`;
