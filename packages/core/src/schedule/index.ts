export { type CronSchedule, dayMatches, parseCron } from './cron.js';
export { checkDeadMan, type DeadManAlert, type DeadManStatus } from './dead-man.js';
export {
  cronOfDeskForm,
  type DeskForm,
  deskDaysText,
  deskFormOf,
  deskFormSchema,
  parseDeskDays,
  WEEK,
  type WeekDay,
} from './desk-form.js';
export {
  type DueFire,
  type DueOptions,
  dueFires,
  type FireDisposition,
  type SchedulableJob,
  watermarkOf,
} from './due-fires.js';
export {
  claimFire,
  type DeskStatus,
  deskStatusOfFire,
  deskStatusOfRun,
  type FireRecord,
  type FireStatus,
  fireRecordSchema,
  listFires,
  readFire,
} from './fire-record.js';
export { FIRE_STEPS, type FireStep } from './fire-steps.js';
export { type FireSchedule, firesAfter, firesBetween, nextFires } from './fire-times.js';
export {
  type HeartbeatView,
  listHeartbeats,
  type SchedulerHeartbeat,
  type SchedulerLiveness,
} from './heartbeats.js';
export {
  DEFAULT_RETRY_BACKOFF_MINUTES,
  type Job,
  type JobFields,
  type JobSource,
  jobSchema,
  jobSourceSchema,
} from './job.js';
export { sameJobName } from './job-names.js';
export { type JobState, readJobState } from './job-state.js';
export {
  createJob,
  deleteJob,
  getJob,
  type JobInput,
  type JobStoreDependencies,
  listJobs,
  resolveRuleRefs,
  setJobActive,
  updateJob,
} from './job-store.js';
export { SCHEDULE_PRESETS, type SchedulePreset } from './presets.js';
export { type CalendarEntry, type NextRun, nextRun, scheduleCalendar } from './projections.js';
export { type RunNowOptions, runJobNow } from './run-now.js';
export {
  createScheduler,
  type FireRunner,
  type FireRunRequest,
  type Scheduler,
  type SchedulerEvent,
  type SchedulerOptions,
} from './scheduler.js';
export {
  DEFAULT_SCHEDULE_SETTINGS,
  readScheduleSettings,
  type ScheduleSettings,
  type ScheduleSettingsChange,
  scheduleSettingsSchema,
  updateScheduleSettings,
} from './settings.js';
export {
  DEFAULT_DEAD_MAN_DAYS,
  type DeadManCheck,
  type DeadManEdit,
  type DeadManFieldNames,
  editDeadMan,
  type OverlapPolicy,
  parseOverlapPolicy,
} from './settings-edits.js';
export {
  assertTimeZone,
  localDateAt,
  offsetMsAt,
  timeZoneSchema,
  type WallTime,
  wallTimeAt,
  zonedToUtc,
} from './zoned-time.js';
