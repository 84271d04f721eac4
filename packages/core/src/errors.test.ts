import { describe, expect, it } from 'vitest';
import { isMarketPulseError, MarketPulseError } from './errors.js';

describe('MarketPulseError', () => {
  it('is recognised by code, also when it comes from another copy of the package', () => {
    const cause = new Error('412');
    const err = new MarketPulseError('PRECONDITION_FAILED', 'changed', {
      details: { key: 'a' },
      cause,
    });
    expect(isMarketPulseError(err, 'PRECONDITION_FAILED')).toBe(true);
    expect(isMarketPulseError(err, 'NOT_FOUND')).toBe(false);
    expect(err.cause).toBe(cause);
    const foreign = Object.assign(new Error('x'), { name: 'MarketPulseError', code: 'CONFLICT' });
    expect(isMarketPulseError(foreign, 'CONFLICT')).toBe(true);
    expect(isMarketPulseError(new Error('x'))).toBe(false);
    expect(isMarketPulseError('CONFLICT')).toBe(false);
  });
});
