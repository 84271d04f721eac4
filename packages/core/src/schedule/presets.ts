import { parseCron } from './cron.js';
import { type DeskForm, deskFormOf } from './desk-form.js';

/** A common schedule a desk picks instead of writing a crontab (SPEC §5). */
export interface SchedulePreset {
  id: string;
  label: string;
  cron: string;
  /** The desk form of `cron`, when it has one. */
  deskForm: DeskForm | null;
}

const preset = (id: string, label: string, cron: string): SchedulePreset =>
  Object.freeze({ id, label, cron, deskForm: deskFormOf(parseCron(cron)) });

/** The schedule presets offered when creating a job (each a valid crontab). */
export const SCHEDULE_PRESETS: readonly SchedulePreset[] = Object.freeze([
  preset('weekdays-1830', 'Weekdays at 18:30', '30 18 * * 1-5'),
  preset('weekdays-0700', 'Weekdays at 07:00', '0 7 * * 1-5'),
  preset('weekdays-1200', 'Weekdays at 12:00', '0 12 * * 1-5'),
  preset(
    'business-hours-4h',
    'Every 4 hours in business hours (08:00, 12:00, 16:00), weekdays',
    '0 8,12,16 * * 1-5',
  ),
  preset('business-hours-hourly', 'Every hour from 08:00 to 18:00, weekdays', '0 8-18 * * 1-5'),
  preset(
    'business-hours-15m',
    'Every 15 minutes from 08:00 to 18:45, weekdays',
    '*/15 8-18 * * 1-5',
  ),
  preset('daily-0600', 'Every day at 06:00', '0 6 * * *'),
]);
