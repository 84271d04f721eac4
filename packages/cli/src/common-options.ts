import type { Command } from 'commander';

/** The description of `--data-dir`, the same on every command that reads the data folder. */
export const DATA_DIR_HELP = 'the data folder (default MP_DATA_DIR, else ./market-pulse-data)';
export const JSON_HELP =
  'print JSON on stdout (a refusal too: {"error": {code, message, details}})';

/** Adds `--data-dir` (and `--json` unless told otherwise) with their shared descriptions. */
export function withCommon(command: Command, options: { json?: boolean } = {}): Command {
  command.option('--data-dir <dir>', DATA_DIR_HELP);
  if (options.json !== false) command.option('--json', JSON_HELP);
  return command;
}

/** The text top-level help ends with: the options most commands share. */
export const COMMON_OPTIONS_HELP = `
Common options (on the commands that take them):
  --data-dir <dir>  ${DATA_DIR_HELP}
  --json            ${JSON_HELP}
  --dry-run         say what a destructive command would do, change nothing
  -h, --help        the command's options, e.g. market-pulse jobs add --help`;
