import { describe, expect, it } from 'vitest';
import { runWorker } from './worker-thread.js';

const fixture = (name: string) => new URL(`../test/workers/${name}.worker.js`, import.meta.url);

describe('runWorker', () => {
  it('rejects with the error that ended the worker, code included', async () => {
    await expect(runWorker(fixture('throws'), null)).rejects.toMatchObject({
      message: 'disk full (test)',
      code: 'ENOSPC',
    });
  });

  it('rejects when the worker exits without a result', async () => {
    await expect(runWorker(fixture('silent'), null)).rejects.toThrow(
      /exited \(0\) without a result/,
    );
  });
});
