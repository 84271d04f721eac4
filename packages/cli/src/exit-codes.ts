import { type ErrorCode, isMarketPulseError } from '@market-pulse/core';

/** The exit codes of SPEC §14 (documented in `--help` and the README, from the table below). */
export const EXIT = { ok: 0, failure: 1, usage: 2, invalidInput: 3, busy: 4, conflict: 5 } as const;

/** Each exit code with what it means and the situations that produce it: help and README text. */
export const EXIT_SITUATIONS: readonly { code: number; meaning: string; situations: string[] }[] = [
  {
    code: EXIT.ok,
    meaning: 'ok',
    situations: [
      'the command did what it was asked (a dry run included)',
      'the reader of stdout closed it early (`runs rows 1` piped to `head -1`)',
    ],
  },
  {
    code: EXIT.failure,
    meaning: 'failure',
    situations: [
      'a run ran and failed (a run guard, a job whose rules are gone); `runs show` tells why',
      'no data folder (`market-pulse init`, or `--data-dir`)',
      'no such run, rule, job, upload, account or API key',
      'the data folder cannot be read or written',
      'an unexpected failure (a bug: please report it with the message)',
    ],
  },
  {
    code: EXIT.usage,
    meaning: 'usage',
    situations: [
      'an unknown command or option',
      'a required option missing (`--out`, `--name`, `--source` of a dry run, `--at` with `--days`)',
      'options given together that exclude each other (`--on --off`, a job id and `--cron`)',
    ],
  },
  {
    code: EXIT.invalidInput,
    meaning: 'invalid input',
    situations: [
      'an input file missing or unreadable: `cannot read FILE: no such file`',
      'a file that is not a workbook, CSV or JSON file, or is above a size limit',
      'a bad header, or row errors in an upload (nothing stored)',
      'an invalid rule or rule file (unknown column, operator, value, missing field), a refused import',
      'a bad option value: date, time, time zone, cron, number, file extension',
      'a rule or job name already used',
      'nothing to process (no source and no pending upload)',
    ],
  },
  { code: EXIT.busy, meaning: 'busy', situations: ['another run holds the pipeline'] },
  {
    code: EXIT.conflict,
    meaning: 'conflict',
    situations: [
      'a stale `--if-version` (changed since you read it)',
      'the same content uploaded again (`--force` uploads it anyway)',
      'already in that state (hiding a hidden run, `jobs toggle --on` an active job)',
      'a failed or hidden run exported; the next fire already running (`--cancel-next`)',
      'an exports refresh that waited too long for another process',
      'a data folder in an earlier store format: `market-pulse store migrate` converts it',
    ],
  },
];

/** How each core error code ends a command (busy is a CONFLICT whose reason is `pipeline-busy`). */
export const EXIT_OF_ERROR: Record<ErrorCode, number> = {
  VALIDATION_ERROR: EXIT.invalidInput,
  PAYLOAD_TOO_LARGE: EXIT.invalidInput,
  UNSUPPORTED_MEDIA_TYPE: EXIT.invalidInput,
  CONFLICT: EXIT.conflict,
  PRECONDITION_FAILED: EXIT.conflict,
  NOT_FOUND: EXIT.failure,
  FORBIDDEN: EXIT.failure,
  UNAUTHENTICATED: EXIT.failure,
  RATE_LIMITED: EXIT.failure,
  UNAVAILABLE: EXIT.failure,
  INTERNAL: EXIT.failure,
};

/** The one place errors become exit codes. */
export function exitCodeOf(err: unknown): number {
  if (!isMarketPulseError(err)) return EXIT.failure;
  if (err.code === 'CONFLICT' && (err.details as { reason?: string })?.reason === 'pipeline-busy')
    return EXIT.busy;
  return EXIT_OF_ERROR[err.code];
}

/** The core error codes (the `code` of a `--json` refusal) that end with `exit`. */
export function errorCodesOf(exit: number): string[] {
  const codes = Object.entries(EXIT_OF_ERROR)
    .filter(([, e]) => e === exit)
    .map(([c]) => c);
  if (exit === EXIT.busy) codes.push('CONFLICT (reason pipeline-busy)');
  if (exit === EXIT.usage) codes.push('VALIDATION_ERROR (details.usage)');
  return [...new Set(codes)];
}

/** The exit code table of the README (a test checks the README holds exactly this). */
export function exitCodeTable(): string {
  return [
    '| exit | meaning | when | `--json` error codes |',
    '|---|---|---|---|',
    ...EXIT_SITUATIONS.map(
      (e) =>
        `| ${e.code} | ${e.meaning} | ${e.situations.join('; ')} | ${e.code === EXIT.ok ? '—' : errorCodesOf(e.code).join(', ')} |`,
    ),
  ].join('\n');
}

export const EXIT_CODES_HELP = `
Exit codes:
${EXIT_SITUATIONS.map((e) => `  ${e.code}  ${e.meaning}: ${e.situations[0]}`).join('\n')}`;
