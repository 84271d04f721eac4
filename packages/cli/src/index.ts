/**
 * The `market-pulse` command line, as a function: `runCli(argv, io)` returns the exit code.
 *
 * @packageDocumentation
 */
export { runCli } from './cli.js';
export { EXIT, exitCodeOf } from './exit-codes.js';
export type { CliIO } from './io.js';
