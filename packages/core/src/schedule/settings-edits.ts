import { MarketPulseError } from '../errors.js';
import { parseDeskDays, WEEK, type WeekDay } from './desk-form.js';
import type { ScheduleSettings } from './settings.js';

/** The overlap policy: while a run is active, a fire that comes due is skipped, or waits. */
export type OverlapPolicy = ScheduleSettings['overlap'];

/** The dead-man check: "no successful run by `by` on `days`, in `timezone`" raises an alert. */
export type DeadManCheck = NonNullable<ScheduleSettings['deadMan']>;

/** The days a dead-man check watches unless told otherwise: business days, Monday to Friday. */
export const DEFAULT_DEAD_MAN_DAYS: readonly WeekDay[] = WEEK.slice(0, 5);

/**
 * The overlap policy written as text, `skip` or `queue`; anything else is refused
 * (VALIDATION_ERROR) naming `field`, the caller's name for the input (a CLI passes its flag).
 *
 * @example
 * ```ts
 * parseOverlapPolicy('queue'); // 'queue'
 * parseOverlapPolicy('wait', '--overlap'); // throws "--overlap is skip or queue (got wait)"
 * ```
 */
export function parseOverlapPolicy(text: string, field = 'overlap'): OverlapPolicy {
  if (text !== 'skip' && text !== 'queue')
    throw new MarketPulseError('VALIDATION_ERROR', `${field} is skip or queue (got ${text})`, {
      details: { field, reason: 'overlap-policy' },
    });
  return text;
}

/** Some fields of a dead-man check to change; those left out keep their current value. */
export interface DeadManEdit {
  /** The deadline, HH:MM. */
  by?: string;
  timezone?: string;
  /** The days, as a list or as a desk writes them (`MON-FRI`, `weekdays`…: see `parseDeskDays`). */
  days?: readonly WeekDay[] | string;
}

/** The caller's names for the fields of a {@link DeadManEdit}, used in its refusals. */
export interface DeadManFieldNames {
  /** Default `deadMan.by`. */
  by?: string;
  /** Default `deadMan.days`. */
  days?: string;
}

/**
 * The dead-man check after an edit of some of its fields (for `updateScheduleSettings`): each
 * field given replaces the current one, the others are kept — or, with no check yet, default to
 * `defaultTimeZone` and Monday to Friday. A check needs a deadline: with neither `edit.by` nor a
 * current one it is refused (VALIDATION_ERROR), and so are days `parseDeskDays` refuses — each
 * naming the field as the caller calls it (`fieldNames`: a CLI passes its flags). The current
 * `holidays` are not carried over.
 *
 * @example
 * ```ts
 * const settings = await readScheduleSettings(store);
 * const deadMan = editDeadMan(settings.deadMan, { by: '18:00', days: 'weekdays' }, {
 *   defaultTimeZone: 'Europe/London',
 * });
 * // { by: '18:00', timezone: 'Europe/London', days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] }
 * await updateScheduleSettings({ store, clock }, { deadMan }, { actor: 'cli:ops' });
 * ```
 */
export function editDeadMan(
  current: DeadManCheck | undefined,
  edit: DeadManEdit,
  options: { defaultTimeZone: string; fieldNames?: DeadManFieldNames },
): DeadManCheck {
  const by = edit.by ?? current?.by;
  if (!by) {
    const field = options.fieldNames?.by ?? 'deadMan.by';
    throw new MarketPulseError('VALIDATION_ERROR', `${field} HH:MM sets the deadline`, {
      details: { field, reason: 'dead-man-deadline' },
    });
  }
  const days =
    typeof edit.days === 'string'
      ? parseDeskDays(edit.days, options.fieldNames?.days ?? 'deadMan.days')
      : edit.days;
  return {
    by,
    timezone: edit.timezone ?? current?.timezone ?? options.defaultTimeZone,
    days: days ? [...days] : (current?.days ?? [...DEFAULT_DEAD_MAN_DAYS]),
  };
}
