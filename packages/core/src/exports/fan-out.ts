// One pass over a stream feeding several consumers (issue 15 item 4): the standing files are
// written from one read of the view's partitions, each file taking the rows it wants, with at most
// `highWater` rows waiting per consumer — memory follows the number of files, not the view.

/** A consumer's share of the stream: the items `accepts` keeps, in stream order. */
export interface FanOutRoute<T> {
  /** Whether this consumer takes `item`. */
  accepts(item: T): boolean;
}

interface Queue<T> {
  accepts(item: T): boolean;
  items: T[];
  /** Set by a consumer that stopped reading (finished early or failed): its items are dropped. */
  closed: boolean;
  /** Wakes the consumer waiting for items. */
  wake?: () => void;
}

/** One consumer's rows; `close()` when done with them (also after a failure), so they stop queueing. */
export interface FanOutBranch<T> {
  rows: AsyncIterable<T>;
  /** Stops this consumer's share: its queued items are dropped and the read no longer waits for it. */
  close(): void;
}

/**
 * Splits `source` into one branch per route. The source is read once, on demand of the
 * consumers: it waits while any open consumer has `highWater` items queued, so every consumer must
 * be read concurrently (e.g. each handed to its own sink write, awaited together). A source error
 * reaches every consumer; a consumer that stops reading (`close`, or `return` on its iterator) no
 * longer holds the others back.
 */
export function fanOut<T>(
  source: AsyncIterable<T>,
  routes: readonly FanOutRoute<T>[],
  highWater = 512,
): FanOutBranch<T>[] {
  const queues: Queue<T>[] = routes.map((r) => ({ accepts: r.accepts, items: [], closed: false }));
  let done = false;
  let failure: { error: unknown } | undefined;
  // Started by the first consumer to read.
  let started = false;
  let resumePump: (() => void) | undefined;

  const wakeAll = () => {
    for (const q of queues) q.wake?.();
  };
  const full = () => queues.some((q) => !q.closed && q.items.length >= highWater);

  async function pump(): Promise<void> {
    try {
      for await (const item of source) {
        for (const q of queues) if (!q.closed && q.accepts(item)) q.items.push(item);
        wakeAll();
        while (full()) await new Promise<void>((resolve) => (resumePump = resolve));
        if (queues.every((q) => q.closed)) break;
      }
    } catch (error) {
      failure = { error };
    }
    done = true;
    wakeAll();
  }

  const resume = () => {
    const go = resumePump;
    resumePump = undefined;
    go?.();
  };

  const close = (q: Queue<T>) => {
    q.closed = true;
    q.items = [];
    q.wake?.();
    resume();
  };

  return queues.map((q) => ({
    close: () => close(q),
    rows: {
      [Symbol.asyncIterator](): AsyncIterator<T> {
        if (!started) {
          started = true;
          void pump();
        }
        return {
          async next(): Promise<IteratorResult<T>> {
            for (;;) {
              if (q.items.length > 0) {
                const value = q.items.shift() as T;
                if (q.items.length < highWater) resume();
                return { value, done: false };
              }
              if (failure) throw failure.error;
              if (done || q.closed) return { value: undefined, done: true };
              await new Promise<void>((resolve) => (q.wake = resolve));
              q.wake = undefined;
            }
          },
          async return(): Promise<IteratorResult<T>> {
            close(q);
            return { value: undefined, done: true };
          },
        };
      },
    },
  }));
}
