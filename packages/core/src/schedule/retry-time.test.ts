import { describe, expect, it } from 'vitest';
import { nextFireBy, type RetryingJob, retryTime } from './retry-time.js';

const at = (iso: string) => Date.parse(iso);
// Mon–Fri 18:30 in London (GMT in November); 2026-11-23 is a Monday.
const job: RetryingJob = {
  cron: '30 18 * * MON-FRI',
  timezone: 'Europe/London',
  retry: { count: 2, backoffMinutes: 5 },
};
const monday = at('2026-11-23T18:30:00Z');

describe('retryTime', () => {
  it('waits backoffMinutes after now, doubling with each further attempt', () => {
    const now = at('2026-11-23T18:31:00Z');
    expect(retryTime(job, monday, 1, now)).toBe(at('2026-11-23T18:36:00Z'));
    expect(retryTime(job, monday, 2, now)).toBe(at('2026-11-23T18:41:00Z'));
  });

  it('gives up after retry.count retries, or when the job has no retries', () => {
    const now = at('2026-11-23T18:31:00Z');
    expect(retryTime(job, monday, 3, now)).toBeUndefined();
    expect(retryTime({ ...job, retry: undefined }, monday, 1, now)).toBeUndefined();
  });

  it("is dropped when the job's next fire comes by then (it supersedes the retry)", () => {
    const slow = { ...job, retry: { count: 1, backoffMinutes: 24 * 60 } };
    // A day's wait from Monday 18:31 passes Tuesday 18:30.
    expect(retryTime(slow, monday, 1, at('2026-11-23T18:31:00Z'))).toBeUndefined();
  });
});

describe('nextFireBy', () => {
  it("is true from the job's next fire on, false before it", () => {
    const tuesday = at('2026-11-24T18:30:00Z');
    expect(nextFireBy(job, monday, tuesday - 1)).toBe(false);
    expect(nextFireBy(job, monday, tuesday)).toBe(true);
  });
});
