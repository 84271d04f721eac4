import { describe, expect, it } from 'vitest';
import { cusipOfIsin, isinOfCusip } from './cusip.js';

describe('cusipOfIsin', () => {
  it.each([
    ['US0378331005', '037833100'],
    ['us0378331005', '037833100'],
    ['US38259P5089', '38259P508'],
    ['GB0002634946', '000263494'],
  ])('maps %s to its CUSIP', (isin, cusip) => {
    expect(cusipOfIsin(isin)).toBe(cusip);
  });

  it('builds the ISIN of a CUSIP, the inverse mapping', () => {
    expect(isinOfCusip('037833100')).toBe('US0378331005');
    expect(isinOfCusip('000263494', 'GB')).toBe('GB0002634946');
  });

  it.each(['US0378331006', '037833100', 'WDMNT 2022-9', 'US03783310055', ''])(
    'refuses %s (wrong check digit or not an ISIN)',
    (text) => {
      expect(cusipOfIsin(text)).toBeUndefined();
    },
  );
});
