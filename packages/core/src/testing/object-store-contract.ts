import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';

/** Makes a fresh, empty store for one test; `dispose` (optional) runs after it. */
export type StoreFactory = () => Promise<{
  store: ObjectStore;
  /** Runs after the test, e.g. to remove a temporary folder. */
  dispose?: () => Promise<void>;
}>;

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array) => new TextDecoder().decode(body);

async function collect(iterable: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of iterable) keys.push(item.key);
  return keys;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    if (isMarketPulseError(err)) return err.code;
    throw err;
  }
}

/** How {@link testObjectStore} judges an adapter. */
export interface ContractOptions {
  /**
   * The store is reached over a network (S3): a conditional write in a race may fail UNAVAILABLE
   * with an unknown outcome (e.g. a server error under load) instead of PRECONDITION_FAILED — but
   * a race still has exactly one winner, which the stored value names.
   */
  networked?: boolean;
}

/**
 * The contract every {@link ObjectStore} adapter must pass (DESIGN §2): in-memory, filesystem,
 * S3 and Oracle run this same suite so they cannot drift apart. Call it inside a test file.
 *
 * @example
 * ```ts
 * testObjectStore('file store', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'mp-'));
 *   return { store: createFileStore({ dir }), dispose: () => rm(dir, { recursive: true }) };
 * });
 * ```
 */
export function testObjectStore(
  name: string,
  factory: StoreFactory,
  options: ContractOptions = {},
): void {
  /**
   * Checks a race of conditional writes: the stored value names the one writer that won; every
   * other writer lost (PRECONDITION_FAILED) — or, over a network, may not know (UNAVAILABLE with an
   * unknown outcome), but never won too.
   */
  const expectOneWinner = (
    outcomes: string[],
    stored: string,
    writtenBy: (i: number) => string,
  ) => {
    const winner = outcomes.findIndex((_, i) => writtenBy(i) === stored);
    expect(winner, `stored ${stored}, outcomes ${outcomes.join(', ')}`).toBeGreaterThanOrEqual(0);
    const winnerMay = options.networked ? ['ok', 'UNAVAILABLE'] : ['ok'];
    const loserMay = options.networked
      ? ['PRECONDITION_FAILED', 'UNAVAILABLE']
      : ['PRECONDITION_FAILED'];
    for (const [i, outcome] of outcomes.entries())
      expect(i === winner ? winnerMay : loserMay, `writer ${i}: ${outcomes.join(', ')}`).toContain(
        outcome,
      );
  };
  describe(`ObjectStore contract: ${name}`, () => {
    const withStore = (fn: (store: ObjectStore) => Promise<void>) => async () => {
      const { store, dispose } = await factory();
      try {
        await fn(store);
      } finally {
        await dispose?.();
      }
    };

    it(
      'returns null for a missing key',
      withStore(async (store) => {
        expect(await store.get('missing/key.json')).toBeNull();
      }),
    );

    it(
      'round-trips every byte value and reports the same etag on put and get',
      withStore(async (store) => {
        const body = new Uint8Array(512);
        for (let i = 0; i < body.length; i++) body[i] = i % 256;
        const { etag } = await store.put('bin/all-bytes.bin', body);
        const got = await store.get('bin/all-bytes.bin');
        expect(got?.etag).toBe(etag);
        expect(Array.from(got?.body ?? [])).toEqual(Array.from(body));
      }),
    );

    it(
      'round-trips an empty body and a 2 MiB body',
      withStore(async (store) => {
        await store.put('bin/empty', new Uint8Array(0));
        expect((await store.get('bin/empty'))?.body.length).toBe(0);
        const big = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 7) % 251);
        await store.put('bin/big', big);
        const got = await store.get('bin/big');
        expect(got?.body.length).toBe(big.length);
        expect(got?.body[big.length - 1]).toBe(big[big.length - 1]);
      }),
    );

    it(
      'keeps its own copy of a written body',
      withStore(async (store) => {
        const body = bytes('original');
        await store.put('doc/copy', body);
        body[0] = 0;
        expect(text((await store.get('doc/copy'))?.body ?? new Uint8Array())).toBe('original');
      }),
    );

    it(
      'overwrites, changing the etag when the content changes',
      withStore(async (store) => {
        const first = await store.put('doc/a.json', bytes('{"v":1}'));
        const second = await store.put('doc/a.json', bytes('{"v":2}'));
        expect(second.etag).not.toBe(first.etag);
        expect(text((await store.get('doc/a.json'))?.body ?? new Uint8Array())).toBe('{"v":2}');
      }),
    );

    it(
      'deletes, and deleting a missing key succeeds',
      withStore(async (store) => {
        await store.put('doc/gone', bytes('x'));
        await store.delete('doc/gone');
        expect(await store.get('doc/gone')).toBeNull();
        await store.delete('doc/never-there');
      }),
    );

    it(
      'keeps keys that differ only in case apart',
      withStore(async (store) => {
        await store.put('case/Key.json', bytes('upper'));
        await store.put('case/key.json', bytes('lower'));
        await store.put('Case/key.json', bytes('dir-upper'));
        expect(text((await store.get('case/Key.json'))?.body ?? new Uint8Array())).toBe('upper');
        expect(text((await store.get('case/key.json'))?.body ?? new Uint8Array())).toBe('lower');
        expect(text((await store.get('Case/key.json'))?.body ?? new Uint8Array())).toBe(
          'dir-upper',
        );
        expect(await collect(store.list('case/'))).toEqual(['case/Key.json', 'case/key.json']);
      }),
    );

    it(
      'lists by prefix in key order, with pagination',
      withStore(async (store) => {
        const keys = Array.from(
          { length: 23 },
          (_, i) => `runs/${String(i).padStart(3, '0')}/commit.json`,
        );
        for (const key of [...keys].reverse()) await store.put(key, bytes(key));
        await store.put('runsx/other', bytes('x'));
        await store.put('other/runs/1', bytes('x'));
        expect(await collect(store.list('runs/'))).toEqual(keys);
        const pages: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await collect(store.list('runs/', { after, limit: 5 }));
          if (page.length === 0) break;
          pages.push(page);
          after = page[page.length - 1];
        }
        expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
        expect(pages.flat()).toEqual(keys);
        const listed = [];
        for await (const item of store.list('runs/000/')) listed.push(item);
        expect(listed).toEqual([
          { key: 'runs/000/commit.json', etag: expect.any(String), size: 20 },
        ]);
      }),
    );

    it(
      'refuses a create (ifNoneMatch *) over an existing key',
      withStore(async (store) => {
        await store.put('locks/a', bytes('first'), { ifNoneMatch: '*' });
        expect(await codeOf(store.put('locks/a', bytes('second'), { ifNoneMatch: '*' }))).toBe(
          'PRECONDITION_FAILED',
        );
        expect(text((await store.get('locks/a'))?.body ?? new Uint8Array())).toBe('first');
      }),
    );

    it(
      'updates with the current etag and refuses a stale one',
      withStore(async (store) => {
        const v1 = await store.put('doc/cas', bytes('1'));
        const v2 = await store.put('doc/cas', bytes('2'), { ifMatch: v1.etag });
        expect(await codeOf(store.put('doc/cas', bytes('3'), { ifMatch: v1.etag }))).toBe(
          'PRECONDITION_FAILED',
        );
        expect(text((await store.get('doc/cas'))?.body ?? new Uint8Array())).toBe('2');
        await store.put('doc/cas', bytes('3'), { ifMatch: v2.etag });
        expect(text((await store.get('doc/cas'))?.body ?? new Uint8Array())).toBe('3');
      }),
    );

    it(
      'fails ifMatch on a missing key as not-found or precondition-failed',
      withStore(async (store) => {
        expect(['NOT_FOUND', 'PRECONDITION_FAILED']).toContain(
          await codeOf(store.put('doc/none', bytes('x'), { ifMatch: '"abc"' })),
        );
        expect(await store.get('doc/none')).toBeNull();
      }),
    );

    it(
      'deletes conditionally',
      withStore(async (store) => {
        const v1 = await store.put('doc/del', bytes('1'));
        await store.put('doc/del', bytes('2'));
        expect(await codeOf(store.delete('doc/del', { ifMatch: v1.etag }))).toBe(
          'PRECONDITION_FAILED',
        );
        const current = await store.get('doc/del');
        await store.delete('doc/del', { ifMatch: current?.etag as string });
        expect(await store.get('doc/del')).toBeNull();
      }),
    );

    it(
      'lets exactly one of 20 concurrent creates win',
      withStore(async (store) => {
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            codeOf(store.put('counters/run-id', bytes(`writer-${i}`), { ifNoneMatch: '*' })),
          ),
        );
        const stored = text((await store.get('counters/run-id'))?.body ?? new Uint8Array());
        expectOneWinner(outcomes, stored, (i) => `writer-${i}`);
      }),
    );

    it(
      'lets exactly one of 10 concurrent compare-and-swaps on one etag win',
      withStore(async (store) => {
        const { etag } = await store.put('counters/cas', bytes('0'));
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            codeOf(store.put('counters/cas', bytes(`${i + 1}`), { ifMatch: etag })),
          ),
        );
        const stored = text((await store.get('counters/cas'))?.body ?? new Uint8Array());
        expectOneWinner(outcomes, stored, (i) => `${i + 1}`);
      }),
    );

    it(
      'refuses keys outside the key grammar',
      withStore(async (store) => {
        for (const key of ['', '/abs', 'a//b', 'a/../b', 'sp ace', 'colon:x', 'back\\slash']) {
          expect(await codeOf(store.put(key, bytes('x')))).toBe('VALIDATION_ERROR');
        }
      }),
    );
  });
}
