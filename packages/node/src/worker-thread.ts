import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Runs a worker script once: resolves with the first message it posts, rejects with the error that
 * ended it (or when it exits without a result), and always leaves the worker terminated.
 *
 * `script` names the built `.js` module. When it does not exist (the sources run under vitest or
 * tsx) its `.ts` sibling is started through tsx, which worker threads do not inherit.
 */
export async function runWorker<T>(script: URL, workerData: unknown): Promise<T> {
  const worker = existsSync(script)
    ? new Worker(script, { workerData })
    : new Worker(throughTsx(new URL(script.href.replace(/\.js$/, '.ts'))), {
        eval: true,
        workerData,
      });
  try {
    return await new Promise<T>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`worker ${fileURLToPath(script)} exited (${code}) without a result`)),
      );
    });
  } finally {
    await worker.terminate();
  }
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
