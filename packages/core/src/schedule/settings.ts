import { z } from 'zod';
import type { ChangeContext } from '../changes/change-context.js';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { readDocument, updateDocument } from '../store/json-document.js';
import { SCHEDULE_SETTINGS } from '../store/layout.js';
import { deskFormSchema } from './desk-form.js';
import { timeZoneSchema } from './zoned-time.js';

/**
 * Pipeline-wide scheduling settings (SPEC §5, §9): the overlap policy is a property of the
 * pipeline, not of a job; the dead-man check watches the whole pipeline.
 */
export const scheduleSettingsSchema = z.object({
  /** While a run is active, a fire that comes due is skipped, or waits (at most one, for a while). */
  overlap: z.enum(['skip', 'queue']),
  queueMaxMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** A fire claimed within this long after its time is `scheduled`, later a catch-up. */
  latenessMinutes: z.number().int().min(0).max(60),
  /** "No successful run by HH:MM on these days" raises an alert. */
  deadMan: z
    .object({
      by: deskFormSchema.shape.time,
      timezone: timeZoneSchema,
      days: deskFormSchema.shape.days,
      holidays: z.array(z.string()).optional(),
    })
    .optional(),
  /** When and by whom the settings were last changed (absent: never, or before actors were recorded). */
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
/**
 * Pipeline-wide scheduling settings, as {@link scheduleSettingsSchema} validates them.
 *
 * @useDeclaredType
 */
export type ScheduleSettings = z.infer<typeof scheduleSettingsSchema>;

/** The settings of a store that has none stored: skip on overlap, no dead-man check. */
export const DEFAULT_SCHEDULE_SETTINGS: ScheduleSettings = {
  overlap: 'skip',
  queueMaxMinutes: 30,
  latenessMinutes: 2,
};

/** The stored settings, or the defaults. */
export async function readScheduleSettings(store: ObjectStore): Promise<ScheduleSettings> {
  const doc = await readDocument(store, SCHEDULE_SETTINGS, scheduleSettingsSchema);
  return doc?.value ?? DEFAULT_SCHEDULE_SETTINGS;
}

/** The settings a caller may change; `deadMan: null` turns the dead-man check off. */
export type ScheduleSettingsChange = Partial<
  Omit<ScheduleSettings, 'deadMan' | 'updatedAt' | 'updatedBy'>
> & {
  deadMan?: ScheduleSettings['deadMan'] | null;
};

/**
 * Changes the settings (compare-and-swap), recording who changed them and when; `deadMan: null`
 * turns the dead-man check off.
 */
export async function updateScheduleSettings(
  deps: { store: ObjectStore; clock: Clock },
  fields: ScheduleSettingsChange,
  change: ChangeContext,
): Promise<ScheduleSettings> {
  const { value } = await updateDocument(
    deps.store,
    SCHEDULE_SETTINGS,
    scheduleSettingsSchema,
    (current) => {
      const { deadMan, updatedAt: _a, updatedBy: _b, ...rest } = fields as ScheduleSettings;
      const base = current ?? DEFAULT_SCHEDULE_SETTINGS;
      const next: Record<string, unknown> = {
        ...base,
        ...rest,
        updatedAt: deps.clock.now().toISOString(),
        updatedBy: change.actor,
      };
      if (deadMan === null) delete next.deadMan;
      else if (deadMan !== undefined) next.deadMan = deadMan;
      const parsed = scheduleSettingsSchema.safeParse(next);
      if (!parsed.success)
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          `invalid schedule settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          { details: { issues: parsed.error.issues } },
        );
      return parsed.data;
    },
  );
  return value as ScheduleSettings;
}
