import { z } from 'zod';
import { isMarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { lastRunId } from '../run/run-ids.js';
import { runRecordSchema } from '../run/run-record.js';
import { damagedKey } from '../store/damaged-object.js';
import { createDocument, readDocument } from '../store/json-document.js';
import { deadManKey, runKeys } from '../store/layout.js';
import type { ScheduleSettings } from './settings.js';
import { localDateAt, wallTimeAt, zonedToUtc } from './zoned-time.js';

const WEEK = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export const deadManAlertSchema = z.object({
  date: z.string(),
  deadline: z.string(),
  raisedAt: z.string(),
  raisedBy: z.string(),
});
/**
 * A raised dead-man alert: recorded once per business date (`date`), whoever raised it first.
 *
 * @useDeclaredType
 */
export type DeadManAlert = z.infer<typeof deadManAlertSchema>;

/** The outcome of {@link checkDeadMan} for today's business date in the alert's zone. */
export type DeadManStatus =
  | { state: 'off' }
  /** Not a business day, or the deadline has not passed yet. */
  | { state: 'waiting'; date: string; deadline?: string }
  | { state: 'ok'; date: string; deadline: string; runId: number; finishedAt: string }
  | { state: 'alert'; date: string; deadline: string; alert: DeadManAlert; raised: boolean };

/** A successful run that finished in `[fromMs, toMs]` (the newest such), bounded. */
async function successBetween(store: ObjectStore, fromMs: number, toMs: number) {
  const last = await lastRunId(store);
  for (let id = last, seen = 0; id >= 1 && seen < 1000; id--, seen++) {
    const run = await readDocument(store, runKeys(id).commit, runRecordSchema).then(
      (doc) => doc?.value,
      (err: unknown) => {
        if (damagedKey(err) === undefined) throw err;
        return undefined; // a damaged record proves no success: the alert errs on the safe side
      },
    );
    if (!run) continue;
    const startedMs = Date.parse(run.startedAt);
    if (startedMs < fromMs - 86_400_000) break; // runs are numbered in start order: older ones cannot count
    const finishedMs = Date.parse(run.finishedAt);
    if (run.status === 'success' && finishedMs >= fromMs && finishedMs <= toMs)
      return { runId: id, finishedAt: run.finishedAt };
  }
  return undefined;
}

/**
 * The dead-man check of SPEC §9: "no successful run by HH:MM on a business day". Any process can
 * evaluate it (every scheduler tick, `market-pulse status`, a system cron); the alert of a day is
 * recorded once across all of them (create-if-absent), so delivery later happens once.
 */
export async function checkDeadMan(
  store: ObjectStore,
  clock: Clock,
  settings: ScheduleSettings,
  raisedBy: string,
): Promise<DeadManStatus> {
  const config = settings.deadMan;
  if (!config) return { state: 'off' };
  const nowMs = clock.now().getTime();
  const zone = config.timezone;
  const date = localDateAt(zone, nowMs);
  const today = wallTimeAt(zone, nowMs);
  if (!config.days.includes(WEEK[today.dayOfWeek] as never) || config.holidays?.includes(date))
    return { state: 'waiting', date };
  const [hour, minute] = config.by.split(':').map(Number) as [number, number];
  const dayWall = Date.UTC(today.year, today.month - 1, today.day);
  const startOfDay = zonedToUtc(zone, dayWall);
  const deadlineMs = zonedToUtc(zone, dayWall + hour * 3_600_000 + minute * 60_000);
  const deadline = new Date(deadlineMs).toISOString();
  if (nowMs < deadlineMs) return { state: 'waiting', date, deadline };
  // A raised alert decides the day: no need to look through the runs again every tick.
  const existing = await readDocument(store, deadManKey(date), deadManAlertSchema);
  if (existing) return { state: 'alert', date, deadline, alert: existing.value, raised: false };
  const success = await successBetween(store, startOfDay, deadlineMs);
  if (success) return { state: 'ok', date, deadline, ...success };
  const alert: DeadManAlert = {
    date,
    deadline,
    raisedAt: new Date(nowMs).toISOString(),
    raisedBy,
  };
  try {
    await createDocument(store, deadManKey(date), alert);
    return { state: 'alert', date, deadline, alert, raised: true };
  } catch (err) {
    if (!isMarketPulseError(err, 'CONFLICT')) throw err;
    const raced = await readDocument(store, deadManKey(date), deadManAlertSchema);
    return { state: 'alert', date, deadline, alert: raced?.value ?? alert, raised: false };
  }
}
