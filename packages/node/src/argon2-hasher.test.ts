import { describe, expect, it } from 'vitest';
import { argon2Hasher, systemRandom } from './argon2-hasher.js';

// Small parameters keep the test quick; the defaults are measured by the login benchmark.
const weak = argon2Hasher({ memoryCost: 1024, timeCost: 1 });

describe('argon2Hasher', () => {
  it('hashes to an Argon2id PHC string that verifies only its password', async () => {
    const stored = await weak.hash('correct horse battery staple');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(await weak.verify(stored, 'correct horse battery staple')).toBe(true);
    expect(await weak.verify(stored, 'correct horse battery stapl')).toBe(false);
    expect(await weak.verify('not a hash', 'x')).toBe(false);
    expect(await weak.hash('same')).not.toBe(await weak.hash('same'));
  });

  it('asks for a rehash when the parameters were raised', async () => {
    const stored = await weak.hash('correct horse battery staple');
    expect(weak.needsRehash(stored)).toBe(false);
    expect(argon2Hasher({ memoryCost: 2048, timeCost: 1 }).needsRehash(stored)).toBe(true);
    expect(argon2Hasher().needsRehash(stored)).toBe(true);
    expect(weak.needsRehash('$test$c=1$00$00')).toBe(true);
  });

  it('draws distinct random bytes', () => {
    expect(systemRandom.bytes(32)).toHaveLength(32);
    expect(systemRandom.bytes(16)).not.toEqual(systemRandom.bytes(16));
  });
});
