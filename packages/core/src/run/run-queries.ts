import type { ObjectStore } from '../ports/object-store.js';
import { readNumber } from '../store/counter.js';
import { readDocument } from '../store/json-document.js';
import { RUN_ID_COUNTER, runKeys } from '../store/layout.js';
import { isRunHidden } from './run-protocol.js';
import { type RunRecord, runningRecordSchema, runRecordSchema } from './run-record.js';

/**
 * One RUN_ID as {@link listRuns} sees it: committed (its record, and whether it is hidden), still
 * running, or `unknown` — an id handed out whose run never wrote its running record.
 */
export type RunListing =
  | { id: number; state: 'committed'; record: RunRecord; hidden: boolean }
  | { id: number; state: 'running'; trigger: string; startedAt: string }
  | { id: number; state: 'unknown' };

/**
 * Every RUN_ID handed out, newest first: committed runs (with hidden flag), running ones, and ids
 * that never started; at most `limit` of them.
 *
 * @example
 * ```ts
 * for (const run of await listRuns(store, { limit: 10 }))
 *   if (run.state === 'committed') console.log(run.id, run.record.status, run.hidden);
 * ```
 */
export async function listRuns(
  store: ObjectStore,
  options: { limit?: number } = {},
): Promise<RunListing[]> {
  const last = await readNumber(store, RUN_ID_COUNTER);
  const out: RunListing[] = [];
  for (let id = last; id >= 1 && out.length < (options.limit ?? Number.POSITIVE_INFINITY); id--) {
    const record = (await readDocument(store, runKeys(id).commit, runRecordSchema))?.value;
    if (record) {
      out.push({
        id,
        state: 'committed',
        record,
        hidden: record.status === 'success' && (await isRunHidden(store, id)),
      });
      continue;
    }
    const running = (await readDocument(store, runKeys(id).running, runningRecordSchema))?.value;
    out.push(
      running
        ? { id, state: 'running', trigger: running.trigger, startedAt: running.startedAt }
        : { id, state: 'unknown' },
    );
  }
  return out;
}
