import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SECTOR_FILE_NAME, sectorExportProblem, sectorFileName } from './sector-file-name.js';

/** Reads a sector file name back (the encoding's inverse), to prove it loses nothing. */
function decode(name: string): string {
  return name.replace(/_[xX]([0-9A-F]+)_/g, (_, hex: string) =>
    String.fromCodePoint(Number.parseInt(hex, 16)),
  );
}

const SAFE_NAME = /^[A-Za-z0-9_-]([A-Za-z0-9._-]*[A-Za-z0-9_-])?$/;
const RESERVED = /^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$/i;

describe('sectorFileName', () => {
  it("leaves the desk's usual names as they are", () => {
    for (const sector of ['MM-CLO', '2.0_Mezz', 'CLO-EQUITY', 'ABS-AUTO', 'RMBS_2.0'])
      expect(sectorFileName(sector)).toBe(sector);
  });

  it('escapes what a file system or an S3 key segment cannot take, and device names', () => {
    expect(sectorFileName('MM CLO')).toBe('MM_x20_CLO');
    expect(sectorFileName('../etc')).toBe('_x2E_._x2F_etc');
    expect(sectorFileName('CON')).toBe('_x43_ON');
    expect(sectorFileName('nul.txt')).toBe('_x6E_ul.txt');
    expect(sectorFileName('ABS.')).toBe('ABS_x2E_');
    // A crafted sector that spells another's escaped name is escaped itself.
    expect(sectorFileName('A_x20_B')).not.toBe(sectorFileName('A B'));
  });

  it('is safe on any file system and can be read back, so distinct sectors never share a file (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }), (sector) => {
        const name = sectorFileName(sector);
        expect(name).toMatch(SAFE_NAME);
        expect(name).not.toMatch(RESERVED);
        expect(decode(name)).toBe(sector);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives sectors that differ other than in case names that differ other than in case (property)', () => {
    const alphabet = fc.constantFrom('a', 'A', 'x', 'X', '_', ' ', '.', '2', '0', 'é', 'É', '/');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, minLength: 1, maxLength: 8 }),
        fc.string({ unit: alphabet, minLength: 1, maxLength: 8 }),
        (a, b) => {
          fc.pre(a.toUpperCase() !== b.toUpperCase());
          expect(sectorFileName(a).toLowerCase()).not.toBe(sectorFileName(b).toLowerCase());
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

describe('sectorExportProblem', () => {
  it('flags a sector whose file name would be too long, and only that', () => {
    expect(sectorExportProblem('MM-CLO')).toBeUndefined();
    expect(sectorExportProblem('A'.repeat(MAX_SECTOR_FILE_NAME))).toBeUndefined();
    expect(sectorExportProblem('A'.repeat(MAX_SECTOR_FILE_NAME + 1))).toMatch(/too long/);
    expect(sectorExportProblem('é'.repeat(60))).toMatch(/at most 200/);
  });
});
