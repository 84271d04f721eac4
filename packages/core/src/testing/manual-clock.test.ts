import { describe, expect, it } from 'vitest';
import { createManualClock } from './manual-clock.js';

describe('createManualClock', () => {
  it('moves only when told, and never backwards', () => {
    const clock = createManualClock('2026-03-13T18:29:00Z');
    expect(clock.now().toISOString()).toBe('2026-03-13T18:29:00.000Z');
    expect(clock.advance(60_000).toISOString()).toBe('2026-03-13T18:30:00.000Z');
    expect(clock.set('2026-03-14T00:00:00Z').toISOString()).toBe('2026-03-14T00:00:00.000Z');
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set('2026-03-13T00:00:00Z')).toThrow(RangeError);
    expect(() => createManualClock('not a time')).toThrow(RangeError);
  });

  it('hands out copies, so callers cannot move time', () => {
    const clock = createManualClock(0);
    clock.now().setTime(999);
    expect(clock.now().getTime()).toBe(0);
  });
});
