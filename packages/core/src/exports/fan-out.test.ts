import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fanOut } from './fan-out.js';

async function* itemsOf(items: readonly number[], failAt?: number) {
  for (let i = 0; i < items.length; i++) {
    if (i === failAt) throw new Error('source failed');
    yield items[i] as number;
  }
}

/** Reads a branch, yielding to the event loop every `pace` items (consumers at different speeds). */
async function readAll(rows: AsyncIterable<number> | undefined, pace: number, stopAfter?: number) {
  if (!rows) throw new Error('no branch');
  const got: number[] = [];
  for await (const item of rows) {
    got.push(item);
    if (got.length === stopAfter) break;
    if (got.length % pace === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return got;
}

describe('fanOut', () => {
  it('gives each consumer exactly the items its route accepts, in order, from one read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 300 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 7 })), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 16 }),
        async (items, routes, highWater) => {
          let reads = 0;
          const source = (async function* () {
            for (const item of items) {
              reads++;
              yield item;
            }
          })();
          const branches = fanOut(
            source,
            routes.map(([modulo]) => ({ accepts: (n: number) => n % modulo === 0 })),
            highWater,
          );
          const got = await Promise.all(
            branches.map((branch, i) => readAll(branch.rows, (routes[i] as [number, number])[1])),
          );
          for (const [i, [modulo]] of routes.entries())
            expect(got[i]).toEqual(items.filter((n) => n % modulo === 0));
          expect(reads).toBe(items.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a consumer that stops early (closed) no longer holds the others back', async () => {
    const items = Array.from({ length: 5_000 }, (_, i) => i);
    const [early, full] = fanOut(
      itemsOf(items),
      [{ accepts: () => true }, { accepts: () => true }],
      4,
    );
    const [a, b] = await Promise.all([
      readAll(early?.rows, 1, 10).then((got) => {
        early?.close();
        return got;
      }),
      readAll(full?.rows, 3),
    ]);
    expect(a).toEqual(items.slice(0, 10));
    expect(b).toEqual(items);
  });

  it('a consumer that never reads again after close() does not hold the read back', async () => {
    const items = Array.from({ length: 1_000 }, (_, i) => i);
    const [idle, busy] = fanOut(
      itemsOf(items),
      [{ accepts: () => true }, { accepts: () => true }],
      2,
    );
    idle?.close();
    expect(await readAll(busy?.rows, 5)).toEqual(items);
  });

  it('a source that fails reaches every consumer', async () => {
    const branches = fanOut(itemsOf([1, 2, 3, 4, 5], 3), [
      { accepts: () => true },
      { accepts: (n: number) => n > 10 },
    ]);
    const results = await Promise.allSettled(branches.map((b) => readAll(b.rows, 1)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
