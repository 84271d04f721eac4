/** Where a CLI invocation reads and writes: injected, so commands are testable without a process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Progress bars are drawn only on a terminal. */
  stderrIsTTY: boolean;
  /** Stops a long-running command (`serve`); default: SIGINT or SIGTERM. */
  stopSignal?: AbortSignal;
  /**
   * Reads a secret (a password) without echoing it: a hidden prompt on a terminal, else the first
   * line of standard input (`printf '%s\n' "$PW" | market-pulse users passwd ann@…`). Absent
   * where no secret can be read (commands that need one then refuse).
   */
  readSecret?: (prompt: string) => Promise<string>;
  /** Whether standard input is a terminal (a new password is then typed twice). */
  stdinIsTTY?: boolean;
  /** Who runs the CLI, recorded as the actor of changes (`cli:<os user>`). */
  operator?: string;
}

/** Prints data: JSON with `--json`, otherwise the human form. Data goes to stdout, always. */
export function output(
  io: CliIO,
  json: boolean | undefined,
  data: unknown,
  human: () => string,
): void {
  io.stdout(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}
