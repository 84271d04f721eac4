import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import type { CliIO } from '../src/io.js';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-accounts-');
const PASSWORD = 'correct horse battery staple';

/** The CLI as an operator at a terminal runs it: `secrets` are typed at each password prompt. */
async function operatorCli(cwd: string, args: string[], secrets: string[] = []) {
  let stdout = '';
  let stderr = '';
  const prompts: string[] = [];
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { TZ: process.env.TZ },
    cwd,
    stderrIsTTY: false,
    stdinIsTTY: true,
    operator: 'cli:ann',
    readSecret: async (prompt) => {
      prompts.push(prompt);
      const next = secrets.shift();
      if (next === undefined) throw new Error(`unexpected prompt ${prompt}`);
      return next;
    },
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr, prompts };
}

describe('users, apikeys and entitlements', () => {
  it('creates the first admin with a typed password, recorded as made by the local operator', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    const add = await operatorCli(
      cwd,
      [
        'users',
        'add',
        'Ann@Desk.Example',
        '--name',
        'Ann',
        '--role',
        'admin',
        '--asset-classes',
        '*',
        '--json',
      ],
      [PASSWORD, PASSWORD],
    );
    expect(add.code).toBe(0);
    expect(add.prompts).toEqual(['New password for Ann@Desk.Example:', 'Once more:']);
    const user = JSON.parse(add.stdout);
    expect(user).toMatchObject({
      email: 'ann@desk.example',
      role: 'admin',
      assetClasses: ['*'],
      hasPassword: true,
      createdBy: 'cli:ann',
    });
    expect(add.stdout).not.toMatch(/argon2|passwordHash/);
    const list = await operatorCli(cwd, ['users', 'list']);
    expect(list.stdout).toMatch(/^ann@desk\.example {2}admin {2}enabled {2}asset classes: \* /);
  });

  it('refuses a weak password, two different passwords and an unknown role, storing nothing (exit 3)', async () => {
    const cwd = await workspace();
    await cli(cwd, ['init']);
    const common = await operatorCli(
      cwd,
      ['users', 'add', 'bob@desk.example', '--name', 'Bob', '--role', 'user'],
      ['password123', 'password123'],
    );
    expect(common.code).toBe(3);
    expect(common.stderr).toMatch(/the password is one of the most common passwords/);
    const differ = await operatorCli(
      cwd,
      ['users', 'add', 'bob@desk.example', '--name', 'Bob', '--role', 'user'],
      [PASSWORD, `${PASSWORD}!`],
    );
    expect(differ.code).toBe(3);
    expect(differ.stderr).toMatch(/the two passwords differ; nothing was changed/);
    const role = await operatorCli(cwd, [
      'users',
      'add',
      'bob@desk.example',
      '--name',
      'Bob',
      '--role',
      'owner',
      '--no-password',
    ]);
    expect(role.code).toBe(3);
    expect(role.stderr).toMatch(/unknown role "owner": use admin, user, viewer/);
    expect((await operatorCli(cwd, ['users', 'list'])).stdout).toMatch(/^no accounts/);
  });

  it('changes role, access and state; keeps the last admin; refuses a stale version (exit 5)', async () => {
    const cwd = await workspace();
    await cli(cwd, ['init']);
    await operatorCli(cwd, [
      'users',
      'add',
      'ann@desk.example',
      '--name',
      'Ann',
      '--role',
      'admin',
      '--no-password',
    ]);
    await operatorCli(cwd, [
      'users',
      'add',
      'bob@desk.example',
      '--name',
      'Bob',
      '--role',
      'viewer',
      '--no-password',
    ]);
    const demote = await operatorCli(cwd, ['users', 'set-role', 'ann@desk.example', 'user']);
    expect(demote.code).toBe(5);
    expect(demote.stderr).toMatch(/last enabled admin/);
    const edit = await operatorCli(cwd, [
      'users',
      'edit',
      'bob@desk.example',
      '--asset-classes',
      'CLO,ABS',
      '--clo',
      'USABS',
      '--json',
    ]);
    expect(JSON.parse(edit.stdout)).toMatchObject({
      assetClasses: ['CLO', 'ABS'],
      clo: 'USABS',
      version: 2,
      updatedBy: 'cli:ann',
    });
    const stale = await operatorCli(cwd, [
      'users',
      'disable',
      'bob@desk.example',
      '--if-version',
      '1',
    ]);
    expect(stale.code).toBe(5);
    expect(
      (await operatorCli(cwd, ['users', 'disable', 'bob@desk.example', '--if-version', '2']))
        .stdout,
    ).toMatch(/DISABLED/);
    const passwd = await operatorCli(
      cwd,
      ['users', 'passwd', 'bob@desk.example', '--json'],
      [PASSWORD, PASSWORD],
    );
    expect(JSON.parse(passwd.stdout)).toMatchObject({ hasPassword: true, version: 4 });
    expect((await operatorCli(cwd, ['users', 'rm', 'bob@desk.example'])).stdout).toBe(
      'removed bob@desk.example\n',
    );
    const missing = await operatorCli(cwd, ['users', 'show', 'bob@desk.example']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no account bob@desk.example/);
  });

  it('shows an API key once, lists it without its token, revokes it; edits asset classes', async () => {
    const cwd = await workspace();
    await cli(cwd, ['init']);
    const created = await operatorCli(cwd, [
      'apikeys',
      'create',
      'nightly loader',
      '--role',
      'user',
      '--asset-classes',
      'CLO',
      '--json',
    ]);
    const key = JSON.parse(created.stdout);
    expect(key.token).toMatch(/^mpk_[0-9a-f]{16}_[0-9a-f]{64}$/);
    const list = await operatorCli(cwd, ['apikeys', 'list']);
    expect(list.stdout).toContain(`${key.id}  live  user  asset classes: CLO  nightly loader`);
    expect(list.stdout).not.toContain(key.token.slice(-64));
    expect((await operatorCli(cwd, ['apikeys', 'revoke', key.id])).stdout).toMatch(
      /REVOKED .* by cli:ann/,
    );
    expect((await operatorCli(cwd, ['entitlements', 'set', 'CLO', 'MM-CLO', 'BSL'])).stdout).toBe(
      'CLO: MM-CLO, BSL\n',
    );
    expect((await operatorCli(cwd, ['entitlements', 'rm', 'CLO'])).stdout).toMatch(
      /^no asset classes/,
    );
  });
});

describe('users import-permissions', () => {
  it("previews, imports and keeps the first implementation's file; a bad entry is exit 3 with the rest applied", async () => {
    const cwd = await workspace();
    await cli(cwd, ['init']);
    await operatorCli(cwd, [
      'users',
      'add',
      'user_a@company.com',
      '--name',
      'A',
      '--role',
      'user',
      '--no-password',
    ]);
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    await writeFile(
      join(cwd, 'user_permissions.json'),
      JSON.stringify({
        users: [
          { username: 'user_a@company.com', asset_classes: ['US CLO'], full_name: 'User A' },
          { username: 'user_b@company.com', asset_classes: ['EU CLO'], full_name: 'User B' },
        ],
      }),
    );
    const preview = await operatorCli(cwd, [
      'users',
      'import-permissions',
      'user_permissions.json',
      '--dry-run',
    ]);
    expect(preview.stdout).toBe(
      'dry run: nothing changed\nuser_a@company.com: none → US CLO\nuser_b@company.com: no account (--create-missing creates it)\n0 unchanged\n',
    );
    expect(
      (await operatorCli(cwd, ['users', 'show', 'user_a@company.com', '--json'])).stdout,
    ).toMatch(/"assetClasses": \[\]/);
    const real = await operatorCli(cwd, [
      'users',
      'import-permissions',
      'user_permissions.json',
      '--create-missing',
      '--json',
    ]);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({
      created: ['user_b@company.com'],
      updated: [{ email: 'user_a@company.com' }],
    });
    // The file is now in the store: a later sync reads it from there.
    const again = await operatorCli(cwd, ['users', 'import-permissions']);
    expect(again.stdout).toBe('2 unchanged\n');
    await writeFile(
      join(cwd, 'bad.json'),
      JSON.stringify({ users: [{ username: 'x', asset_classes: [] }] }),
    );
    const bad = await operatorCli(cwd, ['users', 'import-permissions', 'bad.json']);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toMatch(/entry 0 \(x\) refused: username: not an email address/);
  });
});
