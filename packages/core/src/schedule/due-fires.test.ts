import { describe, expect, it } from 'vitest';
import { dueFires, type SchedulableJob, watermarkOf } from './due-fires.js';

const job = (over: Partial<SchedulableJob> = {}): SchedulableJob => ({
  cron: '30 18 * * MON-FRI',
  timezone: 'Europe/London',
  graceMinutes: 60,
  createdAt: '2026-11-23T18:29:00Z',
  scheduleChangedAt: '2026-11-23T18:29:00Z',
  activatedAt: '2026-11-23T18:29:00Z',
  ...over,
});
const at = (iso: string) => Date.parse(iso);
const due = (j: SchedulableJob, watermark: string, now: string) =>
  dueFires(j, watermarkOf(j, { evaluatedUntil: watermark }), at(now)).fires.map((f) => [
    new Date(f.nominalMs).toISOString(),
    f.disposition,
  ]);

describe('dueFires (SPEC §5 misfires)', () => {
  it('a Mon–Fri 18:30 job created on a Monday at 18:29 fires that Monday at 18:30', () => {
    // 2026-11-23 is a Monday; London is on GMT.
    const j = job();
    expect(due(j, j.createdAt, '2026-11-23T18:30:00Z')).toEqual([
      ['2026-11-23T18:30:00.000Z', 'scheduled'],
    ]);
  });

  it('a job created at 18:31 does not report a missed 18:30 fire', () => {
    const j = job({
      createdAt: '2026-11-23T18:31:00Z',
      scheduleChangedAt: '2026-11-23T18:31:00Z',
      activatedAt: '2026-11-23T18:31:00Z',
    });
    expect(due(j, j.createdAt, '2026-11-23T18:40:00Z')).toEqual([]);
  });

  it('three fires missed, found within the grace window: one catch-up, two missed', () => {
    const j = job({
      cron: '*/10 * * * *',
      graceMinutes: 60,
      createdAt: '2026-11-23T09:00:00Z',
      scheduleChangedAt: '2026-11-23T09:00:00Z',
      activatedAt: '2026-11-23T09:00:00Z',
    });
    expect(due(j, '2026-11-23T09:05:00Z', '2026-11-23T09:35:00Z')).toEqual([
      ['2026-11-23T09:10:00.000Z', 'missed'],
      ['2026-11-23T09:20:00.000Z', 'missed'],
      ['2026-11-23T09:30:00.000Z', 'catch_up'],
    ]);
  });

  it('found after the grace window: all missed', () => {
    const j = job({
      cron: '0 * * * *',
      graceMinutes: 30,
      createdAt: '2026-11-23T09:00:00Z',
      scheduleChangedAt: '2026-11-23T09:00:00Z',
      activatedAt: '2026-11-23T09:00:00Z',
    });
    expect(due(j, '2026-11-23T09:30:00Z', '2026-11-23T12:45:00Z').map(([, d]) => d)).toEqual([
      'missed',
      'missed',
      'missed',
    ]);
  });

  it('within the lateness tolerance a fire is scheduled, just after it a catch-up', () => {
    const j = job();
    expect(due(j, j.createdAt, '2026-11-23T18:32:00Z')[0]?.[1]).toBe('scheduled');
    expect(due(j, j.createdAt, '2026-11-23T18:32:01Z')[0]?.[1]).toBe('catch_up');
  });

  it('the watermark is the latest of evaluation, creation, activation and schedule change', () => {
    const j = job({ activatedAt: '2026-11-25T12:00:00Z' });
    expect(watermarkOf(j, { evaluatedUntil: '2026-11-24T00:00:00Z' })).toBe(
      at('2026-11-25T12:00:00Z'),
    );
    expect(watermarkOf(j, null)).toBe(at('2026-11-25T12:00:00Z'));
    // Inactive for two days, then re-activated: nothing of those days comes due.
    expect(due(j, '2026-11-23T18:31:00Z', '2026-11-25T18:00:00Z')).toEqual([]);
  });

  it('holidays are skipped; the latest working-day fire still runs', () => {
    const j = job({ holidays: ['2026-11-24'] });
    expect(due(j, '2026-11-24T00:00:00Z', '2026-11-24T18:30:30Z')).toEqual([
      ['2026-11-24T18:30:00.000Z', 'holiday'],
    ]);
  });

  it('a long outage is worked off in bounded batches', () => {
    const j = job({
      cron: '* * * * *',
      createdAt: '2026-11-01T00:00:00Z',
      scheduleChangedAt: '2026-11-01T00:00:00Z',
      activatedAt: '2026-11-01T00:00:00Z',
    });
    const first = dueFires(j, at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z'), {
      limit: 100,
    });
    expect(first.fires).toHaveLength(100);
    expect(first.fires.every((f) => f.disposition === 'missed')).toBe(true);
    expect(first.evaluatedUntilMs).toBe(at('2026-11-01T01:40:00Z'));
  });
});
