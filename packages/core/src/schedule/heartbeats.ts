import { z } from 'zod';
import type { ObjectStore } from '../ports/object-store.js';
import { encodeDocument, readDocument } from '../store/json-document.js';
import { HEARTBEATS_PREFIX, heartbeatKey } from '../store/layout.js';

export const heartbeatSchema = z.object({
  instanceId: z.string(),
  at: z.string(),
  host: z.string().optional(),
  pid: z.number().int().optional(),
});
/**
 * A scheduler's latest sign of life: its instance id, when (`at`, UTC ISO) and, on the embedded
 * store, its host and PID.
 *
 * @useDeclaredType
 */
export type SchedulerHeartbeat = z.infer<typeof heartbeatSchema>;

/** Records that a scheduler is alive (each tick): `status` and `/api/ready` show its age. */
export async function writeHeartbeat(store: ObjectStore, beat: SchedulerHeartbeat): Promise<void> {
  await store.put(heartbeatKey(beat.instanceId), encodeDocument(1, heartbeatSchema.parse(beat)));
}

/** Every scheduler's last heartbeat, newest first, with its age at `nowMs`. */
export async function listHeartbeats(
  store: ObjectStore,
  nowMs: number,
): Promise<(SchedulerHeartbeat & { ageSeconds: number })[]> {
  const beats: (SchedulerHeartbeat & { ageSeconds: number })[] = [];
  for await (const { key } of store.list(HEARTBEATS_PREFIX)) {
    const doc = await readDocument(store, key, heartbeatSchema).catch(() => null);
    if (doc)
      beats.push({
        ...doc.value,
        ageSeconds: Math.max(0, Math.round((nowMs - Date.parse(doc.value.at)) / 1000)),
      });
  }
  return beats.sort((a, b) => b.at.localeCompare(a.at));
}

/** Deletes heartbeats older than `maxAgeMs` (each `serve` start is a new instance). */
export async function pruneHeartbeats(
  store: ObjectStore,
  nowMs: number,
  maxAgeMs = 7 * 86_400_000,
): Promise<void> {
  for (const beat of await listHeartbeats(store, nowMs))
    if (beat.ageSeconds * 1000 > maxAgeMs)
      await store.delete(heartbeatKey(beat.instanceId)).catch(() => undefined);
}
