import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../testing/memory-store.js';
import { PERMISSIONS_FILE, readPermissionsFile } from './permissions-file.js';

const put = async (text: string) => {
  const store = createMemoryStore();
  await store.put(PERMISSIONS_FILE, new TextEncoder().encode(text));
  return store;
};

describe('readPermissionsFile', () => {
  it('is null when there is no permissions file', async () => {
    expect(await readPermissionsFile(createMemoryStore())).toBeNull();
  });

  it("reads the first implementation's format, ignoring unknown fields", async () => {
    const store = await put(
      JSON.stringify({
        users: [
          { username: 'jdoe', asset_classes: ['CLO', ' ABS '], full_name: 'Jane Doe', team: 'x' },
          { username: 'bsmith', asset_classes: [] },
        ],
        version: 3,
      }),
    );
    expect(await readPermissionsFile(store)).toEqual([
      { username: 'jdoe', assetClasses: ['CLO', 'ABS'], fullName: 'Jane Doe' },
      { username: 'bsmith', assetClasses: [], fullName: undefined },
    ]);
  });

  it('refuses a file that is not JSON, naming the key', async () => {
    await expect(readPermissionsFile(await put('{users: ['))).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      message: expect.stringMatching(/^permissions\/user_permissions\.json is not JSON text/),
    });
  });

  it('refuses a wrong shape with every problem and where it is', async () => {
    const store = await put(
      JSON.stringify({
        users: [
          { username: 'jdoe', asset_classes: 'CLO' },
          { username: '', asset_classes: [] },
          { username: 'JDoe', asset_classes: [] },
        ],
      }),
    );
    const err = await readPermissionsFile(store).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_ERROR' });
    const { problems } = (err as { details: { problems: string[] } }).details;
    expect(problems).toEqual([
      expect.stringMatching(/^users\.0\.asset_classes: /),
      'users.1.username: a username is required',
    ]);
    // Duplicates are checked once the shape holds.
    const dup = await put(
      JSON.stringify({
        users: [
          { username: 'jdoe', asset_classes: [] },
          { username: 'JDoe', asset_classes: [] },
        ],
      }),
    );
    await expect(readPermissionsFile(dup)).rejects.toMatchObject({
      details: {
        problems: [
          'users.1.username: "JDoe" is listed twice (also users[0]); usernames compare case-insensitively',
        ],
      },
    });
    await expect(readPermissionsFile(await put('[]'))).rejects.toMatchObject({
      details: { problems: [expect.stringMatching(/^\(the file\): /)] },
    });
  });
});
