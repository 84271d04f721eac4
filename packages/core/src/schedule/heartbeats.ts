import { z } from 'zod';
import type { ObjectStore } from '../ports/object-store.js';
import { encodeDocument, readDocument } from '../store/json-document.js';
import { HEARTBEATS_PREFIX, heartbeatKey } from '../store/layout.js';

export const heartbeatSchema = z.object({
  instanceId: z.string(),
  at: z.string(),
  host: z.string().optional(),
  pid: z.number().int().optional(),
  /** The longest the scheduler waits between two heartbeats (its loop's sleep cap). */
  everyMs: z.number().int().positive().optional(),
  /** Set by a clean stop: the scheduler is gone, it did not die. */
  stoppedAt: z.string().optional(),
});
/**
 * A scheduler's latest sign of life: its instance id, when (`at`, UTC ISO) and, on the embedded
 * store, its host and PID.
 *
 * @useDeclaredType
 */
export type SchedulerHeartbeat = z.infer<typeof heartbeatSchema>;

/**
 * A scheduler as its last heartbeat tells: `running`; `stopped` (cleanly, at `stoppedAt`); or
 * `not-running` — silent for three heartbeat intervals (at least a minute), so it died or hangs.
 */
export type SchedulerLiveness = 'running' | 'stopped' | 'not-running';

/** A heartbeat with its age at the time of reading and what it says about its scheduler. */
export type HeartbeatView = SchedulerHeartbeat & { ageSeconds: number; state: SchedulerLiveness };

/** A heartbeat older than this many of its intervals (and than a minute) means a silent scheduler. */
const MISSED_BEATS = 3;
const DEFAULT_EVERY_MS = 15_000;

/** Records that a scheduler is alive (each tick): `status` and `/api/ready` show its age. */
export async function writeHeartbeat(store: ObjectStore, beat: SchedulerHeartbeat): Promise<void> {
  await store.put(heartbeatKey(beat.instanceId), encodeDocument(1, heartbeatSchema.parse(beat)));
}

/**
 * Marks a scheduler's heartbeat as cleanly stopped, so `status` no longer counts it as running.
 * Best effort: a scheduler that never beat has nothing to mark.
 */
export async function markHeartbeatStopped(
  store: ObjectStore,
  instanceId: string,
  at: string,
): Promise<void> {
  const doc = await readDocument(store, heartbeatKey(instanceId), heartbeatSchema).catch(
    () => null,
  );
  if (doc) await writeHeartbeat(store, { ...doc.value, stoppedAt: at });
}

function livenessOf(beat: SchedulerHeartbeat, ageMs: number): SchedulerLiveness {
  if (beat.stoppedAt !== undefined) return 'stopped';
  const staleMs = Math.max(MISSED_BEATS * (beat.everyMs ?? DEFAULT_EVERY_MS), 60_000);
  return ageMs > staleMs ? 'not-running' : 'running';
}

/** Every scheduler's last heartbeat, newest first, with its age at `nowMs` and its liveness. */
export async function listHeartbeats(store: ObjectStore, nowMs: number): Promise<HeartbeatView[]> {
  const beats: HeartbeatView[] = [];
  for await (const { key } of store.list(HEARTBEATS_PREFIX)) {
    const doc = await readDocument(store, key, heartbeatSchema).catch(() => null);
    if (!doc) continue;
    const ageMs = Math.max(0, nowMs - Date.parse(doc.value.at));
    beats.push({
      ...doc.value,
      ageSeconds: Math.round(ageMs / 1000),
      state: livenessOf(doc.value, ageMs),
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
