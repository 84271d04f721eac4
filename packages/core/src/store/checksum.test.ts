import { describe, expect, it } from 'vitest';
import { digestOf, sha256Hex, sha256HexPure } from './checksum.js';

describe('sha256Hex', () => {
  it('gives the standard SHA-256, the same with Web Crypto and with the pure-JS fallback', async () => {
    const abc = new TextEncoder().encode('abc');
    const known = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(await sha256Hex(abc)).toBe(known);
    expect(sha256HexPure(abc)).toBe(known);
    for (const size of [0, 1, 63, 64, 65, 100_003]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 131 + size) % 256);
      expect(await sha256Hex(bytes)).toBe(sha256HexPure(bytes));
    }
    expect(await digestOf(abc, 1)).toEqual({ count: 1, sha256: known });
  });
});
