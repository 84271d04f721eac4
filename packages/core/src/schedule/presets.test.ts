import { describe, expect, it } from 'vitest';
import { parseCron } from './cron.js';
import { SCHEDULE_PRESETS } from './presets.js';

describe('SCHEDULE_PRESETS', () => {
  it('are valid crontabs with unique ids; weekdays 18:30 has its desk form', () => {
    for (const p of SCHEDULE_PRESETS) expect(() => parseCron(p.cron)).not.toThrow();
    expect(new Set(SCHEDULE_PRESETS.map((p) => p.id)).size).toBe(SCHEDULE_PRESETS.length);
    expect(SCHEDULE_PRESETS[0]?.deskForm).toEqual({
      time: '18:30',
      days: ['MON', 'TUE', 'WED', 'THU', 'FRI'],
    });
  });
});
