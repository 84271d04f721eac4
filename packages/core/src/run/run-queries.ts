import type { ObjectStore } from '../ports/object-store.js';
import { damageOf } from '../store/damaged-object.js';
import { readDocument } from '../store/json-document.js';
import { runKeys } from '../store/layout.js';
import { lastRunId } from './run-ids.js';
import { isRunHidden } from './run-protocol.js';
import { type RunRecord, runningRecordSchema, runRecordSchema } from './run-record.js';

/**
 * One RUN_ID as {@link listRuns} sees it: committed (its record, and whether it is hidden), still
 * running, or `unknown` — an id handed out whose run never wrote its running record.
 */
export type RunListing =
  | { id: number; state: 'committed'; record: RunRecord; hidden: boolean }
  | { id: number; state: 'running'; trigger: string; startedAt: string }
  | { id: number; state: 'unknown' }
  /** A run whose commit, running or visibility record cannot be read: `key` names it. */
  | { id: number; state: 'unreadable'; key: string; reason: string };

/**
 * Every RUN_ID handed out or stored, newest first: committed runs (with hidden flag), running
 * ones, ids that never started, and runs whose records cannot be read — listed as `unreadable`
 * with the key, so one damaged document hides nothing else. The ids come from the counter and
 * from the runs stored above it (see `lastRunId`): a counter that went back hides no run.
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
  const last = await lastRunId(store);
  const out: RunListing[] = [];
  for (let id = last; id >= 1 && out.length < (options.limit ?? Number.POSITIVE_INFINITY); id--) {
    try {
      out.push(await runListing(store, id));
    } catch (err) {
      const damage = damageOf(err);
      if (!damage) throw err;
      out.push({ id, state: 'unreadable', ...damage });
    }
  }
  return out;
}

async function runListing(store: ObjectStore, id: number): Promise<RunListing> {
  const record = (await readDocument(store, runKeys(id).commit, runRecordSchema))?.value;
  if (record)
    return {
      id,
      state: 'committed',
      record,
      hidden: record.status === 'success' && (await isRunHidden(store, id)),
    };
  const running = (await readDocument(store, runKeys(id).running, runningRecordSchema))?.value;
  return running
    ? { id, state: 'running', trigger: running.trigger, startedAt: running.startedAt }
    : { id, state: 'unknown' };
}
