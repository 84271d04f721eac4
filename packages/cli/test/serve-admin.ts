import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The first admin every serve test configures (`MP_ADMIN_EMAIL` + `MP_ADMIN_PASSWORD_FILE`). */
export const ADMIN = { email: 'ops@desk.example.com', password: 'serve test passphrase 31' };

/** Writes the admin's password file in `dir`; returns the environment that names both. */
export async function adminEnv(dir: string): Promise<Record<string, string>> {
  const file = join(dir, 'admin-password');
  await writeFile(file, `${ADMIN.password}\n`);
  return { MP_ADMIN_EMAIL: ADMIN.email, MP_ADMIN_PASSWORD_FILE: file };
}

/** Signs in to a serving process as the admin: the `Authorization` header for its requests. */
export async function adminAuthorization(url: string): Promise<{ authorization: string }> {
  const res = await fetch(`${url}api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  return { authorization: `Bearer ${accessToken}` };
}
