import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A worker thread that takes tasks one at a time; see {@link startTaskWorker}. */
export interface TaskWorker<Task, Result> {
  /**
   * Hands the worker a task; resolves with its answer. Rejects with the error that ended the
   * worker (then and for every later task), or when it exits without answering.
   */
  run(task: Task): Promise<Result>;
  /** Terminates the worker. */
  close(): Promise<void>;
}

/**
 * Starts a worker script that answers each message it receives with one message. Tasks handed
 * over while one is running wait their turn (the caller awaits each `run`).
 *
 * `script` names the built `.js` module. When it does not exist (the sources run under vitest or
 * tsx) its `.ts` sibling is started through tsx, which worker threads do not inherit.
 */
export function startTaskWorker<Task, Result>(
  script: URL,
  workerData: unknown,
): TaskWorker<Task, Result> {
  const worker = existsSync(script)
    ? new Worker(script, { workerData })
    : new Worker(throughTsx(new URL(script.href.replace(/\.js$/, '.ts'))), {
        eval: true,
        workerData,
      });
  const waiting: { resolve: (result: Result) => void; reject: (err: unknown) => void }[] = [];
  let ended: unknown;
  const end = (err: unknown) => {
    ended ??= err;
    for (const task of waiting.splice(0)) task.reject(ended);
  };
  worker.on('message', (result: Result) => waiting.shift()?.resolve(result));
  worker.once('error', end);
  worker.once('exit', (code) =>
    end(new Error(`worker ${fileURLToPath(script)} exited (${code}) without a result`)),
  );
  return {
    run(task) {
      if (ended !== undefined) return Promise.reject(ended);
      return new Promise<Result>((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.postMessage(task);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

/**
 * Source for an eval worker that registers tsx, with this package's tsconfig (its paths resolve the
 * workspace packages to their sources, as in the tests), then imports the TypeScript module.
 */
function throughTsx(source: URL): string {
  const tsx = import.meta.resolve('tsx/esm/api');
  const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  return `import(${JSON.stringify(tsx)}).then((tsx) => {
    tsx.register({ tsconfig: ${JSON.stringify(tsconfig)} });
    return import(${JSON.stringify(source.href)});
  });`;
}
