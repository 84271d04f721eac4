import { describe, expect, it } from 'vitest';
import { latestBusinessDay } from './business-day.js';

describe('latestBusinessDay', () => {
  it.each([
    ['2026-11-20', '2026-11-20'], // Friday
    ['2026-11-21', '2026-11-20'], // Saturday
    ['2026-11-22', '2026-11-20'], // Sunday
    ['2026-11-23', '2026-11-23'], // Monday
    ['2027-01-02', '2027-01-01'], // Saturday after a Friday New Year (holidays are not weekends)
  ])('%s → %s', (date, expected) => {
    expect(latestBusinessDay(date)).toBe(expected);
  });
});
