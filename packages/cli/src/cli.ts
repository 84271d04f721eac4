import { Command, CommanderError } from 'commander';
import { registerApiKeys } from './commands/apikeys.js';
import { registerBuffer } from './commands/buffer.js';
import { registerClo } from './commands/clo.js';
import { registerColumns } from './commands/columns.js';
import { registerDemo } from './commands/demo.js';
import { registerEntitlements } from './commands/entitlements.js';
import { registerExport } from './commands/export.js';
import { registerInit } from './commands/init.js';
import { registerJobs } from './commands/jobs.js';
import { registerRules } from './commands/rules.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerSearch } from './commands/search.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerStore } from './commands/store.js';
import { registerTemplate } from './commands/template.js';
import { registerUsers } from './commands/users.js';
import { COMMON_OPTIONS_HELP } from './common-options.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import type { CliIO } from './io.js';
import { reportCommanderError, reportError } from './report.js';
import { VERSION } from './version.js';

const CONFIG_HELP = `
Configuration: MP_DATA_DIR (or --data-dir), MP_SOURCE, MP_RANK_DATE_FIELD, MP_BUSINESS_TZ,
MP_UPLOAD_MAX_*, MP_GUARD_*, MP_LEASE_TTL_SECONDS, MP_HEARTBEAT_SECONDS, MP_PORT, MP_HOST,
MP_CORS_ORIGINS — see the README.`;

/**
 * The `market-pulse` program: every command registered, output to `io`. `exit` receives the code
 * of a command that finished; refusals throw. Exported for the test that walks every command.
 */
export function buildProgram(io: CliIO, exit: (code: number) => void): Command {
  const program = new Command('market-pulse')
    .description(
      'Market Pulse: every day, the best color of each security on top, the others under it.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', "show this help: the commands, or a command's options")
    .helpCommand('help [command]', 'show the help of a command')
    .exitOverride()
    .configureOutput({ writeOut: (t) => io.stdout(t), writeErr: (t) => io.stderr(t) })
    .showHelpAfterError('(--help shows the options of each command)')
    .addHelpText('after', `${COMMON_OPTIONS_HELP}\n${EXIT_CODES_HELP}\n${CONFIG_HELP}`);
  for (const register of [
    registerInit,
    registerDemo,
    registerRun,
    registerBuffer,
    registerRules,
    registerColumns,
    registerRuns,
    registerStore,
    registerJobs,
    registerServe,
    registerExport,
    registerTemplate,
    registerSearch,
    registerStatus,
    registerUsers,
    registerApiKeys,
    registerEntitlements,
    registerClo,
  ])
    register(program, io, exit);
  return program;
}

/** Whether the command line asks for JSON (options end at `--`). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Runs one `market-pulse` invocation and returns its exit code (SPEC §14) — no `process.exit`,
 * so tests call it directly. Data goes to `io.stdout`, messages to `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code: number | undefined;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code ?? EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return reportCommanderError(io, err, wantsJson(argv));
    return reportError(io, err, wantsJson(argv));
  }
}
