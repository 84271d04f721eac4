// A store as Market Pulse wrote it before issue 15 (store format 1), made from a current one: for
// tests of `store migrate` and of reading old data folders.
import type { ObjectStore } from '../ports/object-store.js';
import { lastRunId } from '../run/run-ids.js';
import { readExcludedLines, readRunLines } from '../run/run-protocol.js';
import { runRecordSchema } from '../run/run-record.js';
import { digestOf } from '../store/checksum.js';
import { encodeDocument, readDocument } from '../store/json-document.js';
import {
  CURRENT_VIEW_MANIFEST,
  currentViewIndexKey,
  currentViewPartKey,
  runKeys,
  STORE_FORMAT,
} from '../store/layout.js';
import { encodeRowPartition } from '../store/row-partition.js';
import { readCurrentView } from '../views/current-view.js';

/**
 * Rewrites a store in the layout of store format 1: every run's rows and excluded rows as plain
 * JSON lines named by a commit record without `rowFormat`, the current view as a copy of its rows
 * (one part), and no format document. The rows read back are the same.
 */
export async function downgradeToFormat1(store: ObjectStore): Promise<void> {
  const last = await lastRunId(store);
  for (let runId = 1; runId <= last; runId++) {
    const keys = runKeys(runId);
    const doc = await readDocument(store, keys.commit, runRecordSchema);
    if (doc?.value.status !== 'success' || doc.value.rowFormat !== 'jsonl.zlib') continue;
    const { rowFormat: _, ...record } = doc.value;
    const rowParts = [];
    for (const [p, { lines }] of (await readRunLines(store, doc.value)).entries()) {
      const body = await encodeRowPartition(lines, 'jsonl');
      await store.put(keys.rowsPart(p, 'jsonl'), body);
      await store.delete(keys.rowsPart(p, 'jsonl.zlib'));
      rowParts.push(await digestOf(body, lines.length));
    }
    const excluded = await readExcludedLines(store, doc.value);
    const excludedBody = await encodeRowPartition(excluded, 'jsonl');
    await store.put(keys.excluded, excludedBody);
    await store.delete(keys.excludedRows('jsonl.zlib'));
    const objects = record.objects && {
      ...record.objects,
      rowParts,
      excluded: await digestOf(excludedBody, excluded.length),
    };
    await store.put(
      keys.commit,
      encodeDocument(doc.generation + 1, { ...record, ...(objects ? { objects } : {}) }),
    );
  }
  const view = await readCurrentView(store);
  if (view.manifest) {
    const { version, throughRunId, builtAt } = view.manifest;
    const body = new TextEncoder().encode(view.rows.map((r) => JSON.stringify(r)).join('\n'));
    await store.put(currentViewPartKey(version, 0), body);
    await store.put(
      CURRENT_VIEW_MANIFEST,
      encodeDocument(version, {
        version,
        throughRunId,
        parts: 1,
        rows: view.rows.length,
        builtAt,
        partDigests: [await digestOf(body, view.rows.length)],
      }),
    );
    await store.delete(currentViewIndexKey(version));
  }
  await store.delete(STORE_FORMAT);
}
