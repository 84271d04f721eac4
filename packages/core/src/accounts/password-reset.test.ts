import { describe, expect, it } from 'vitest';
import { isMarketPulseError } from '../errors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createMemoryMailer } from '../testing/memory-mailer.js';
import { createMemoryStore } from '../testing/memory-store.js';
import { createSeededRandom, createTestHasher } from '../testing/test-secrets.js';
import { RESET_TOKEN_MINUTES, requestPasswordReset, resetPassword } from './password-reset.js';
import { addUser, updateUser, verifyPassword } from './user-store.js';

const link = (token: string) => `https://pulse.desk.example/reset?token=${token}`;

async function setup() {
  const deps = {
    store: createMemoryStore(),
    clock: createManualClock(new Date('2026-03-13T09:00:00Z')),
    random: createSeededRandom(21),
    hasher: createTestHasher(),
    mailer: createMemoryMailer(),
  };
  await addUser(
    deps,
    {
      email: 'ann@desk.example',
      name: 'Ann',
      role: 'user',
      password: 'correct horse battery staple',
    },
    'cli:root',
  );
  return deps;
}

const tokenOf = (text: string) => /token=(\S+)/.exec(text)?.[1] as string;

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isMarketPulseError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'ok';
}

describe('password reset', () => {
  it('mails a one-time link that sets a new password once', async () => {
    const deps = await setup();
    await requestPasswordReset(deps, 'ANN@desk.example', '10.0.0.1', link);
    expect(deps.mailer.sent).toHaveLength(1);
    expect(deps.mailer.sent[0]).toMatchObject({
      to: ['ann@desk.example'],
      subject: 'Market Pulse: reset your password',
    });
    const token = tokenOf(deps.mailer.sent[0]?.text ?? '');
    expect(await code(resetPassword(deps, token, 'password1'))).toMatch(
      /^VALIDATION_ERROR: the password is one of the most common/,
    );
    expect(await code(resetPassword(deps, token, 'a fresh passphrase here'))).toBe('ok');
    const decoy = await deps.hasher.hash('x');
    expect(
      await verifyPassword(deps, 'ann@desk.example', 'a fresh passphrase here', decoy),
    ).toBeDefined();
    expect(await code(resetPassword(deps, token, 'yet another passphrase'))).toMatch(
      /^UNAUTHENTICATED: the reset link is not valid/,
    );
  });

  it('sends nothing for an unknown or disabled address, answering the same', async () => {
    const deps = await setup();
    await expect(
      requestPasswordReset(deps, 'nobody@desk.example', 's', link),
    ).resolves.toBeUndefined();
    await updateUser(deps, 'ann@desk.example', { disabled: true }, 'cli:root');
    await expect(
      requestPasswordReset(deps, 'ann@desk.example', 's', link),
    ).resolves.toBeUndefined();
    expect(deps.mailer.sent).toHaveLength(0);
  });

  it('refuses an expired link, a replaced one, a forged one, and requests past the limit', async () => {
    const deps = await setup();
    await requestPasswordReset(deps, 'ann@desk.example', 's', link);
    const first = tokenOf(deps.mailer.sent[0]?.text ?? '');
    await requestPasswordReset(deps, 'ann@desk.example', 's', link);
    const second = tokenOf(deps.mailer.sent[1]?.text ?? '');
    expect(await code(resetPassword(deps, first, 'a fresh passphrase here'))).toMatch(
      /^UNAUTHENTICATED/,
    );
    expect(
      await code(
        resetPassword(
          deps,
          `${second.slice(0, -1)}${second.endsWith('0') ? '1' : '0'}`,
          'a fresh passphrase here',
        ),
      ),
    ).toMatch(/^UNAUTHENTICATED/);
    deps.clock.advance(RESET_TOKEN_MINUTES * 60_000);
    expect(await code(resetPassword(deps, second, 'a fresh passphrase here'))).toMatch(
      /^UNAUTHENTICATED/,
    );
    await requestPasswordReset(deps, 'ann@desk.example', 's', link);
    expect(await code(requestPasswordReset(deps, 'ann@desk.example', 's', link))).toMatch(
      /^RATE_LIMITED: too many password reset requests/,
    );
  });
});
