/**
 * The password policy (OWASP ASVS 5.0 V6.2): at least 8 characters, up to 128 accepted (so
 * passphrases fit), any Unicode (read in NFC, never truncated), no composition rules, and never
 * one of the ~50,000 most common passwords (the list zxcvbn ships, `@zxcvbn-ts/language-common`),
 * nor the account's own email or name, nor the product's name.
 */
export const PASSWORD_POLICY = Object.freeze({ minLength: 8, maxLength: 128 });

let commonPasswords: Promise<ReadonlySet<string>> | undefined;

/** The common-password list, loaded on first use (it is ~380 KB: only hosts that set passwords pay). */
function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => new Set(dictionary['passwords-common']),
  );
  return commonPasswords;
}

/** What a password is compared by: NFC, lower-case, without spaces (`Pass Word1` ~ `password1`). */
const folded = (text: string) => text.normalize('NFC').toLowerCase().replace(/\s+/g, '');

/**
 * Why `password` cannot be used for this account, in words a user can act on — or `undefined`
 * when it can.
 *
 * @example
 * ```ts
 * await passwordProblem('password123', { email: 'ann@desk.example' }); // 'is one of the most common passwords…'
 * ```
 */
export async function passwordProblem(
  password: string,
  account: { email?: string; name?: string } = {},
): Promise<string | undefined> {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_POLICY.minLength)
    return `is ${length} characters long; use at least ${PASSWORD_POLICY.minLength} (a passphrase of a few words is best)`;
  if (length > PASSWORD_POLICY.maxLength)
    return `is ${length} characters long; use at most ${PASSWORD_POLICY.maxLength}`;
  const key = folded(password);
  const context = [
    'marketpulse',
    ...(account.email ? [folded(account.email), folded(account.email.split('@')[0] ?? '')] : []),
    ...(account.name ? [folded(account.name)] : []),
  ].filter((word) => word.length >= 4);
  if (context.some((word) => key.includes(word)))
    return 'contains your email, your name or the product name; choose another';
  if ((await loadCommonPasswords()).has(key))
    return 'is one of the most common passwords, which attackers try first; choose another';
  return undefined;
}
