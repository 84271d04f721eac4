import { describe, expect, it } from 'vitest';
import { startTaskWorker } from './worker-thread.js';

const fixture = (name: string) => new URL(`../test/workers/${name}.worker.js`, import.meta.url);

describe('startTaskWorker', () => {
  it('answers tasks in the order they were handed over', async () => {
    const worker = startTaskWorker<number, number>(fixture('echo'), null);
    try {
      expect(await Promise.all([1, 2, 3].map((task) => worker.run(task)))).toEqual([2, 4, 6]);
      expect(await worker.run(21)).toBe(42);
    } finally {
      await worker.close();
    }
  });

  it('rejects with the error that ended the worker, code included, then and for later tasks', async () => {
    const worker = startTaskWorker<number, number>(fixture('echo'), null);
    try {
      await expect(worker.run(-1)).rejects.toMatchObject({
        message: 'negative task -1',
        code: 'ERANGE',
      });
      await expect(worker.run(1)).rejects.toMatchObject({ code: 'ERANGE' });
    } finally {
      await worker.close();
    }
  });

  it('rejects when the script fails as it loads', async () => {
    const worker = startTaskWorker(fixture('throws'), null);
    await expect(worker.run(1)).rejects.toMatchObject({
      message: 'disk full (test)',
      code: 'ENOSPC',
    });
    await worker.close();
  });

  it('rejects when the worker exits without answering', async () => {
    const worker = startTaskWorker(fixture('silent'), null);
    await expect(worker.run(1)).rejects.toThrow(/exited \(0\) without a result/);
    await worker.close();
  });
});
