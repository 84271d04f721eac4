#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { runCli } from './cli.js';
import { processOperator, readSecretFromProcess } from './secret-input.js';

/**
 * Writes to a standard stream until its reader goes away. A reader that closes the pipe early
 * (`market-pulse runs rows 1 | head -1`) ends the output normally: the rest is dropped, with no
 * EPIPE stack trace and no failure exit.
 */
function writerOf(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw err;
  });
  return (text) => {
    if (!closed && !stream.destroyed) stream.write(text);
  };
}

// V8 lets the heap grow up to 4× what survived the last full collection before collecting again:
// a million-row run keeps ~0.6 GB alive and peaked at 1.8 GB RSS, mostly garbage. Growing by 20 %
// at most keeps that run under 1 GB (issue 15) for a few more collections. The flag is read at each
// collection; an explicit `node --heap-growing-percent=N` wins.
if (!process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent')))
  setFlagsFromString('--heap-growing-percent=20');

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: writerOf(process.stdout),
  stderr: writerOf(process.stderr),
  env: process.env,
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
  readSecret: readSecretFromProcess,
  stdinIsTTY: process.stdin.isTTY === true,
  operator: processOperator(),
});
