import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment, objectDirSegments, prefixDirSegments } from './key-path.js';

describe('key paths', () => {
  it('keeps case-distinct segments apart on case-insensitive file systems', () => {
    expect(encodeSegment('Key.json')).toBe('+key.json');
    expect(encodeSegment('key.json')).toBe('key.json');
    expect(encodeSegment('KEY.json').toLowerCase()).not.toBe(
      encodeSegment('key.json').toLowerCase(),
    );
  });

  it('escapes Windows device names and trailing dots', () => {
    expect(encodeSegment('NUL')).toBe('+n+u+l'); // escaped letters already make it no device name
    for (const name of ['con', 'nul', 'com1', 'lpt9.txt', 'aux.json', 'x.']) {
      expect(encodeSegment(name).endsWith('+')).toBe(true);
      expect(decodeSegment(encodeSegment(name))).toBe(name);
    }
    expect(encodeSegment('console')).toBe('console');
  });

  it('round-trips every valid segment, and distinct segments never share a case-folded name (property)', () => {
    const segment = fc
      .stringMatching(/^[A-Za-z0-9._-]{1,12}$/)
      .filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(segment, segment, (a, b) => {
        expect(decodeSegment(encodeSegment(a))).toBe(a);
        if (a !== b)
          expect(encodeSegment(a).toLowerCase()).not.toBe(encodeSegment(b).toLowerCase());
      }),
    );
  });

  it('puts an object in a directory no path directory can be', () => {
    expect(objectDirSegments('runs/A')).toEqual(['runs', '+a~']);
    expect(prefixDirSegments('runs/00')).toEqual(['runs']);
    expect(prefixDirSegments('runs/')).toEqual(['runs']);
    expect(prefixDirSegments('')).toEqual([]);
  });
});
