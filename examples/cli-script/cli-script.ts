// A CLI script: a nightly desk chore driving the `market-pulse` command line as a function
// (`runCli` returns the exit code, as the binary would), so a script checks each step's documented
// exit code (SPEC §14) and reads `--json` output instead of scraping text.
import { pathToFileURL } from 'node:url';
import { EXIT, runCli } from '@market-pulse/cli';

/** One command's outcome. */
interface Step {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one `market-pulse` command in `cwd`. */
async function marketPulse(cwd: string, args: string[]): Promise<Step> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    cwd,
    env: { ...process.env, MP_DATA_DIR: undefined },
    stderrIsTTY: false,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** What the chore found. */
export interface ChoreOutcome {
  runs: number;
  /** Rows found for the first CUSIP of the current view. */
  found: number;
  /** A search by an invalid ISIN: a refusal (exit code and message), not a crash. */
  refused: { code: number; message: string };
}

/** Makes a demo data folder in `cwd`, then lists runs and searches, as a cron script would. */
export async function nightlyChore(cwd: string): Promise<ChoreOutcome> {
  const demo = await marketPulse(cwd, ['demo', '--rows', '300']);
  if (demo.code !== EXIT.ok) throw new Error(`demo failed (${demo.code}): ${demo.stderr}`);
  const runs = JSON.parse((await marketPulse(cwd, ['runs', 'list', '--json'])).stdout) as unknown[];
  const rows = (await marketPulse(cwd, ['runs', 'rows', '1', '--limit', '1', '--json'])).stdout;
  const cusip = (JSON.parse(rows.split('\n')[0] ?? '{}') as { CUSIP?: string }).CUSIP ?? '';
  const search = await marketPulse(cwd, ['search', cusip, '--json']);
  const found = (JSON.parse(search.stdout) as { rows: unknown[] }).rows.length;
  const refused = await marketPulse(cwd, ['search', 'US0378331006', '--kind', 'isin']);
  return { runs: runs.length, found, refused: { code: refused.code, message: refused.stderr } };
}

// `node --import tsx examples/cli-script/cli-script.ts [working folder]`
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await nightlyChore(process.argv[2] ?? process.cwd()), null, 2));
}
