import { createRequire } from 'node:module';
import { isMarketPulseError } from '@market-pulse/core';
import { Command, CommanderError } from 'commander';
import { registerBuffer } from './commands/buffer.js';
import { registerDemo } from './commands/demo.js';
import { registerExport } from './commands/export.js';
import { registerInit } from './commands/init.js';
import { registerJobs } from './commands/jobs.js';
import { registerRules } from './commands/rules.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSearch } from './commands/search.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerTemplate } from './commands/template.js';
import { EXIT, EXIT_CODES_HELP, exitCodeOf } from './exit-codes.js';
import type { CliIO } from './io.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

const CONFIG_HELP = `
Configuration: MP_DATA_DIR (or --data-dir), MP_SOURCE, MP_RANK_DATE_FIELD, MP_BUSINESS_TZ,
MP_UPLOAD_MAX_*, MP_GUARD_*, MP_LEASE_TTL_SECONDS, MP_HEARTBEAT_SECONDS — see the README.`;

/** Details worth showing under an error: row errors and header problems, so a user knows what to fix. */
function describeDetails(details: unknown): string[] {
  const d = details as
    | {
        errors?: { row: number; column: string; reason: string }[];
        missing?: string[];
        duplicate?: { column: string; headers: string[] }[];
      }
    | undefined;
  const lines: string[] = [];
  for (const e of d?.errors?.slice(0, 50) ?? [])
    lines.push(`  row ${e.row} ${e.column}: ${e.reason}`);
  if ((d?.errors?.length ?? 0) > 50) lines.push(`  … and ${(d?.errors?.length ?? 0) - 50} more`);
  return lines;
}

/**
 * Runs one `market-pulse` invocation and returns its exit code (SPEC §14) — no `process.exit`,
 * so tests call it directly. Data goes to `io.stdout`, messages to `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code: number | undefined;
  const exit = (c: number) => {
    code = c;
  };
  const program = new Command('market-pulse')
    .description(
      'Market Pulse: every day, the best color of each security on top, the others under it.',
    )
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) })
    .showHelpAfterError('(market-pulse --help shows the commands)')
    .addHelpText('after', `${EXIT_CODES_HELP}\n${CONFIG_HELP}`);
  registerInit(program, io, exit);
  registerDemo(program, io, exit);
  registerRun(program, io, exit);
  registerBuffer(program, io, exit);
  registerRules(program, io, exit);
  registerRuns(program, io, exit);
  registerJobs(program, io, exit);
  registerServe(program, io, exit);
  registerExport(program, io, exit);
  registerTemplate(program, io, exit);
  registerSearch(program, io, exit);
  registerStatus(program, io, exit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code ?? EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander printed the message already
    }
    const message = isMarketPulseError(err)
      ? err.message
      : `unexpected failure: ${(err as Error)?.message ?? String(err)}`;
    io.stderr(`error: ${message}\n`);
    for (const line of describeDetails(isMarketPulseError(err) ? err.details : undefined))
      io.stderr(`${line}\n`);
    return exitCodeOf(err);
  }
}
