import type { ObjectStore } from '../ports/object-store.js';
import { readNumber } from '../store/counter.js';
import { damagedKey } from '../store/damaged-object.js';
import { afterRunKeys, RUN_ID_COUNTER, RUNS_PREFIX, runIdOfKey } from '../store/layout.js';

/**
 * The highest RUN_ID the store holds or handed out: the counter, or any run stored above it.
 * Readers that walk the runs (listing, the current view, upload consumption, the dead-man check)
 * start here, so a counter that went back (restored from a copy, edited, damaged) hides no run.
 * Only the keys above the counter are listed: the cost stays that of the new runs, not the history.
 */
export async function lastRunId(store: ObjectStore): Promise<number> {
  let counter = 0;
  try {
    counter = await readNumber(store, RUN_ID_COUNTER);
  } catch (err) {
    if (damagedKey(err) === undefined) throw err; // a damaged counter: the listing alone decides
  }
  let last = counter;
  const options = counter > 0 ? { after: afterRunKeys(counter) } : {};
  for await (const { key } of store.list(RUNS_PREFIX, options))
    last = Math.max(last, runIdOfKey(key) ?? 0);
  return last;
}
