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
