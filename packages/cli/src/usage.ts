/**
 * A command used wrong — a required option missing, options that exclude each other: exit 2
 * (SPEC §14), with the message and where the command's options are listed. Input that is present
 * but wrong (a bad date, a rule file that does not parse) is invalid input instead (exit 3).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The option to give or change, e.g. `--out`. */
    readonly option?: string,
  ) {
    super(message);
  }
}

/** True for a {@link UsageError} (recognised by name, like core's errors by code). */
export function isUsageError(err: unknown): err is UsageError {
  return (err as Error | undefined)?.name === 'UsageError';
}
