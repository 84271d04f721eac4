import { isMarketPulseError } from '@market-pulse/core';
import type { CommanderError } from 'commander';
import { EXIT, exitCodeOf } from './exit-codes.js';
import type { CliIO } from './io.js';
import { isUsageError } from './usage.js';
import { plural } from './words.js';

// How a refusal is told (SPEC §14, DESIGN §3): a person reads `error: …` on stderr, with the row
// errors to fix and what to type next. With --json the refusal is also a document on stdout —
// `{"error": {"code", "message", "details"}}`, the HTTP API's shape — because stdout is where a
// script reading --json looks (clig.dev: machine-readable output goes to stdout), and the exit code
// says it is a refusal; stderr keeps the human line, so a terminal still shows it.

interface Refusal {
  code: string;
  message: string;
  details?: unknown;
}

/** What to type next, for refusals whose remedy is an option of this command line. */
const REMEDY: Record<string, string> = {
  'duplicate-upload': 'pass --force to upload it again',
  'row-errors': 'fix the rows, or pass --accept-valid-rows to store the valid rows only',
  'stale-version': 'read it again (list or show) and pass its current --if-version',
  'pipeline-busy': 'try again when that run is over (market-pulse status shows who holds it)',
};

/** Row errors and header problems worth showing under an error, so a person knows what to fix. */
function detailLines(details: unknown): string[] {
  const d = details as { errors?: { row: number; column: string; reason: string }[] } | undefined;
  const errors = Array.isArray(d?.errors) ? d.errors : [];
  const lines = errors.slice(0, 50).map((e) => `  row ${e.row} ${e.column}: ${e.reason}`);
  if (errors.length > 50) lines.push(`  … and ${plural(errors.length - 50, 'more row error')}`);
  return lines;
}

function refusalOf(err: unknown): { refusal: Refusal; exit: number; hint?: string } {
  if (isUsageError(err))
    return {
      refusal: {
        code: 'VALIDATION_ERROR',
        message: err.message,
        details: { usage: true, ...(err.option ? { option: err.option } : {}) },
      },
      exit: EXIT.usage,
    };
  if (isMarketPulseError(err)) {
    const reason = (err.details as { reason?: string } | undefined)?.reason;
    return {
      refusal: { code: err.code, message: err.message, details: err.details ?? {} },
      exit: exitCodeOf(err),
      ...(reason && REMEDY[reason] ? { hint: REMEDY[reason] } : {}),
    };
  }
  return {
    refusal: {
      code: 'INTERNAL',
      message: `unexpected failure: ${(err as Error)?.message ?? String(err)}`,
    },
    exit: EXIT.failure,
  };
}

/** Tells a refusal (stderr; and stdout as JSON with `--json`) and returns its exit code. */
export function reportError(io: CliIO, err: unknown, json: boolean): number {
  const { refusal, exit, hint } = refusalOf(err);
  io.stderr(`error: ${refusal.message}\n`);
  for (const line of detailLines(refusal.details)) io.stderr(`${line}\n`);
  if (hint) io.stderr(`  ${hint}\n`);
  if (isUsageError(err)) io.stderr('(--help shows the options of each command)\n');
  if (json) io.stdout(`${JSON.stringify({ error: refusal }, null, 2)}\n`);
  return exit;
}

/** A commander error (unknown option, missing required option), already told on stderr. */
export function reportCommanderError(io: CliIO, err: CommanderError, json: boolean): number {
  if (err.exitCode === 0) return EXIT.ok; // --help, --version
  if (json) {
    const message = err.message.replace(/^error:\s*/, '');
    io.stdout(
      `${JSON.stringify({ error: { code: 'VALIDATION_ERROR', message, details: { usage: true, commander: err.code } } }, null, 2)}\n`,
    );
  }
  return EXIT.usage;
}
