import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayMatches, parseCron } from './cron.js';
import { nextFires } from './fire-times.js';
import { wallTimeAt } from './zoned-time.js';

const fires = (cron: string, timezone: string, after: string, count: number) =>
  nextFires({ cron: parseCron(cron), timezone }, Date.parse(after), count).map((t) =>
    new Date(t).toISOString().replace('.000Z', 'Z'),
  );

// Each row: a job, a zone, "after", and the fires expected — worked out by hand from the zone's
// 2026 transitions. CI runs this file under TZ=UTC and TZ=Pacific/Auckland: the host zone must
// not matter.
const DST_TABLE: [string, string, string, string, string[]][] = [
  // America/New_York: 8 Mar 02:00 EST → 03:00 EDT; 1 Nov 02:00 EDT → 01:00 EST.
  [
    'gap, daily',
    '30 2 * * *',
    'America/New_York',
    '2026-03-07T00:00:00Z',
    ['2026-03-07T07:30:00Z', '2026-03-08T07:00:00Z', '2026-03-09T06:30:00Z'],
  ],
  [
    'repeat, daily',
    '30 1 * * *',
    'America/New_York',
    '2026-10-31T00:00:00Z',
    ['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z'],
  ],
  [
    'gap, 15 min',
    '*/15 * * * *',
    'America/New_York',
    '2026-03-08T06:15:00Z',
    [
      '2026-03-08T06:30:00Z',
      '2026-03-08T06:45:00Z',
      '2026-03-08T07:00:00Z',
      '2026-03-08T07:15:00Z',
      '2026-03-08T07:30:00Z',
    ],
  ],
  [
    'repeat, 15 min',
    '*/15 * * * *',
    'America/New_York',
    '2026-11-01T05:00:00Z',
    [
      '2026-11-01T05:15:00Z',
      '2026-11-01T05:30:00Z',
      '2026-11-01T05:45:00Z',
      '2026-11-01T07:00:00Z',
      '2026-11-01T07:15:00Z',
    ],
  ],
  // Europe/London: 29 Mar 01:00 GMT → 02:00 BST; 25 Oct 02:00 BST → 01:00 GMT.
  [
    'gap, daily',
    '30 1 * * *',
    'Europe/London',
    '2026-03-28T00:00:00Z',
    ['2026-03-28T01:30:00Z', '2026-03-29T01:00:00Z', '2026-03-30T00:30:00Z'],
  ],
  [
    'repeat, daily',
    '30 1 * * *',
    'Europe/London',
    '2026-10-24T00:00:00Z',
    ['2026-10-24T00:30:00Z', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z'],
  ],
  [
    'gap, 15 min',
    '*/15 * * * *',
    'Europe/London',
    '2026-03-29T00:30:00Z',
    ['2026-03-29T00:45:00Z', '2026-03-29T01:00:00Z', '2026-03-29T01:15:00Z'],
  ],
  [
    'repeat, 15 min',
    '*/15 * * * *',
    'Europe/London',
    '2026-10-25T00:00:00Z',
    [
      '2026-10-25T00:15:00Z',
      '2026-10-25T00:30:00Z',
      '2026-10-25T00:45:00Z',
      '2026-10-25T02:00:00Z',
    ],
  ],
  // Europe/Rome: 29 Mar 02:00 CET → 03:00 CEST; 25 Oct 03:00 CEST → 02:00 CET.
  [
    'gap, daily',
    '30 2 * * *',
    'Europe/Rome',
    '2026-03-28T00:00:00Z',
    ['2026-03-28T01:30:00Z', '2026-03-29T01:00:00Z', '2026-03-30T00:30:00Z'],
  ],
  [
    'repeat, daily',
    '30 2 * * *',
    'Europe/Rome',
    '2026-10-24T00:00:00Z',
    ['2026-10-24T00:30:00Z', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z'],
  ],
  [
    'gap, 15 min',
    '*/15 * * * *',
    'Europe/Rome',
    '2026-03-29T00:30:00Z',
    ['2026-03-29T00:45:00Z', '2026-03-29T01:00:00Z', '2026-03-29T01:15:00Z'],
  ],
  [
    'repeat, 15 min',
    '*/15 * * * *',
    'Europe/Rome',
    '2026-10-25T00:00:00Z',
    [
      '2026-10-25T00:15:00Z',
      '2026-10-25T00:30:00Z',
      '2026-10-25T00:45:00Z',
      '2026-10-25T02:00:00Z',
    ],
  ],
  // Australia/Sydney: 5 Apr 03:00 AEDT → 02:00 AEST; 4 Oct 02:00 AEST → 03:00 AEDT.
  [
    'gap, daily',
    '30 2 * * *',
    'Australia/Sydney',
    '2026-10-02T00:00:00Z',
    ['2026-10-02T16:30:00Z', '2026-10-03T16:00:00Z', '2026-10-04T15:30:00Z'],
  ],
  [
    'repeat, daily',
    '30 2 * * *',
    'Australia/Sydney',
    '2026-04-03T00:00:00Z',
    ['2026-04-03T15:30:00Z', '2026-04-04T15:30:00Z', '2026-04-05T16:30:00Z'],
  ],
  [
    'gap, 15 min',
    '*/15 * * * *',
    'Australia/Sydney',
    '2026-10-03T15:30:00Z',
    ['2026-10-03T15:45:00Z', '2026-10-03T16:00:00Z', '2026-10-03T16:15:00Z'],
  ],
  [
    'repeat, 15 min',
    '*/15 * * * *',
    'Australia/Sydney',
    '2026-04-04T15:00:00Z',
    [
      '2026-04-04T15:15:00Z',
      '2026-04-04T15:30:00Z',
      '2026-04-04T15:45:00Z',
      '2026-04-04T17:00:00Z',
    ],
  ],
  // Australia/Lord_Howe, a 30-minute shift: 4 Oct 02:00 → 02:30 (+10:30 → +11); 5 Apr 02:00 → 01:30.
  [
    'gap, daily',
    '15 2 * * *',
    'Australia/Lord_Howe',
    '2026-10-02T00:00:00Z',
    ['2026-10-02T15:45:00Z', '2026-10-03T15:30:00Z', '2026-10-04T15:15:00Z'],
  ],
  [
    'repeat, daily',
    '45 1 * * *',
    'Australia/Lord_Howe',
    '2026-04-03T00:00:00Z',
    ['2026-04-03T14:45:00Z', '2026-04-04T14:45:00Z', '2026-04-05T15:15:00Z'],
  ],
  [
    'gap, 15 min',
    '*/15 * * * *',
    'Australia/Lord_Howe',
    '2026-10-03T15:00:00Z',
    ['2026-10-03T15:15:00Z', '2026-10-03T15:30:00Z', '2026-10-03T15:45:00Z'],
  ],
  [
    'repeat, 15 min',
    '*/15 * * * *',
    'Australia/Lord_Howe',
    '2026-04-04T14:00:00Z',
    [
      '2026-04-04T14:15:00Z',
      '2026-04-04T14:30:00Z',
      '2026-04-04T14:45:00Z',
      '2026-04-04T15:30:00Z',
    ],
  ],
  // Asia/Karachi: +05:00 all year, no transitions.
  [
    'no DST, daily',
    '30 2 * * *',
    'Asia/Karachi',
    '2026-03-07T00:00:00Z',
    ['2026-03-07T21:30:00Z', '2026-03-08T21:30:00Z', '2026-03-09T21:30:00Z'],
  ],
  [
    'no DST, 15 min',
    '*/15 * * * *',
    'Asia/Karachi',
    '2026-11-01T05:50:00Z',
    ['2026-11-01T06:00:00Z', '2026-11-01T06:15:00Z', '2026-11-01T06:30:00Z'],
  ],
];

describe('fires across daylight-saving transitions (SPEC §5)', () => {
  it.each(DST_TABLE)('%s: %s in %s after %s', (_case, cron, zone, after, expected) => {
    expect(fires(cron, zone, after, expected.length)).toEqual(expected);
  });

  it('the weekday numbering is right: a Mon–Fri job fires Monday to Friday (Fix)', () => {
    // 2026-11-23 is a Monday.
    const week = fires('30 18 * * MON-FRI', 'Europe/London', '2026-11-22T00:00:00Z', 6);
    expect(week).toEqual([
      '2026-11-23T18:30:00Z',
      '2026-11-24T18:30:00Z',
      '2026-11-25T18:30:00Z',
      '2026-11-26T18:30:00Z',
      '2026-11-27T18:30:00Z',
      '2026-11-30T18:30:00Z',
    ]);
    expect(fires('0 9 * * 1-5', 'UTC', '2026-11-22T00:00:00Z', 1)).toEqual([
      '2026-11-23T09:00:00Z',
    ]);
    expect(fires('0 9 * * 0', 'UTC', '2026-11-23T00:00:00Z', 1)).toEqual(
      fires('0 9 * * 7', 'UTC', '2026-11-23T00:00:00Z', 1),
    );
  });

  it('day-of-month and day-of-week both restricted: either matches (Vixie)', () => {
    // 1st/15th or any Monday, from Thursday 2026-01-01.
    expect(fires('0 0 1,15 * MON', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-05T00:00:00Z',
      '2026-01-12T00:00:00Z',
      '2026-01-15T00:00:00Z',
    ]);
    // A leading `*` leaves the field unrestricted: odd days that are Mondays.
    expect(fires('0 0 */2 * MON', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-05T00:00:00Z',
      '2026-01-19T00:00:00Z',
    ]);
  });

  it('29 February fires only in leap years', () => {
    expect(fires('0 0 29 2 *', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T00:00:00Z',
      '2032-02-29T00:00:00Z',
    ]);
  });
});

// An independent oracle: walk UTC minute by minute and decide from the wall clock alone.
// A minute fires when its wall time matches and that wall time was not seen in the previous 3
// hours (first occurrence), or when it ends a gap that swallowed a matching wall time.
function oracle(cron: string, zone: string, fromMs: number, toMs: number): number[] {
  const s = parseCron(cron);
  const matches = (w: ReturnType<typeof wallTimeAt>) =>
    dayMatches(s, w.month, w.day, w.dayOfWeek) &&
    s.hours.includes(w.hour) &&
    s.minutes.includes(w.minute);
  const wallMs = (w: ReturnType<typeof wallTimeAt>) =>
    Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  const out: number[] = [];
  for (let t = fromMs + 60_000; t <= toMs; t += 60_000) {
    const w = wallTimeAt(zone, t);
    let fire = false;
    if (matches(w)) {
      fire = true;
      for (let back = 15 * 60_000; back <= 3 * 3_600_000; back += 15 * 60_000)
        if (wallMs(wallTimeAt(zone, t - back)) === wallMs(w)) fire = false;
    }
    const previous = wallMs(wallTimeAt(zone, t - 60_000));
    for (let skipped = previous + 60_000; skipped < wallMs(w); skipped += 60_000) {
      const d = new Date(skipped);
      const sw = {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        dayOfWeek: d.getUTCDay(),
      };
      if (matches(sw)) fire = true;
    }
    if (fire) out.push(t);
  }
  return out;
}

describe('the walker agrees with a minute-by-minute oracle (property)', () => {
  const zones = [
    'America/New_York',
    'Europe/London',
    'Europe/Rome',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'Asia/Karachi',
  ];
  const transitions = [
    '2026-03-08T07:00:00Z',
    '2026-11-01T06:00:00Z',
    '2026-03-29T01:00:00Z',
    '2026-10-25T01:00:00Z',
    '2026-04-04T16:00:00Z',
    '2026-10-03T16:00:00Z',
    '2026-04-04T15:00:00Z',
    '2026-10-03T15:30:00Z',
  ];
  const crons = fc.oneof(
    fc.constantFrom(
      '*/15 * * * *',
      '30 2 * * *',
      '0,30 1-3 * * *',
      '45 1 * * *',
      '*/10 0-4 * * SUN',
      '15 2 * * 0-6',
      '0 * * * *',
    ),
    fc
      .tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 4 }))
      .map(([m, h]) => `${m} ${h} * * *`),
  );
  it('for random jobs around every transition of the six zones', () => {
    fc.assert(
      fc.property(
        crons,
        fc.constantFrom(...zones),
        fc.constantFrom(...transitions),
        fc.integer({ min: -180, max: 60 }),
        (cron, zone, around, shiftMin) => {
          const from = Date.parse(around) + shiftMin * 60_000 - 6 * 3_600_000;
          const to = from + 12 * 3_600_000;
          const walked = nextFires({ cron: parseCron(cron), timezone: zone }, from, 500).filter(
            (t) => t <= to,
          );
          expect(walked).toEqual(oracle(cron, zone, from, to));
        },
      ),
      { numRuns: 60 },
    );
  });
});
