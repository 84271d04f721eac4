import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConditionalWrites } from '../src/index.js';
import { type RgwServer, startRgw } from './rgw-server.js';
import { conditionIgnoringClient, storeOn, testClient } from './s3-clients.js';

let rgw: RgwServer;
beforeAll(async () => {
  rgw = await startRgw();
}, 180_000);
afterAll(async () => {
  await rgw?.stop();
}, 60_000);

const collect = async (iterable: AsyncIterable<{ key: string }>) => {
  const keys: string[] = [];
  for await (const item of iterable) keys.push(item.key);
  return keys;
};

describe('the conditional-write self-test', () => {
  it('passes on a server that honours conditional writes, and learns RGW ignores conditional deletes', async () => {
    const store = await storeOn(rgw);
    const check = await checkConditionalWrites(store);
    expect(check).toEqual({ honoured: true, problems: [], conditionalDelete: false });
    expect(store.emulatesConditionalDelete).toBe(true);
    expect(await collect(store.list(''))).toEqual([]); // the probe key is gone
    store.destroy();
  });

  it('reports a server that ignores the conditions, naming each one', async () => {
    const store = await storeOn(rgw, { client: conditionIgnoringClient(rgw) });
    const check = await checkConditionalWrites(store);
    expect(check.honoured).toBe(false);
    expect(check.problems).toEqual([
      'it accepted a create (If-None-Match: *) over an existing object',
      'it accepted a write with a stale If-Match',
    ]);
    expect(await collect(store.list(''))).toEqual([]);
    store.destroy();
  });
});

describe('If-Match quoting', () => {
  it('is detected on the first refusal of a current ETag, then costs no extra request', async () => {
    const client = testClient(rgw);
    const sent: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName as string);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'countRequests' },
    );
    const store = await storeOn(rgw, { client });
    const v1 = await store.put('doc/a', new TextEncoder().encode('1'));
    expect(v1.etag).toMatch(/^[0-9a-f]{32}$/); // bare, whatever the server sent
    const v2 = await store.put('doc/a', new TextEncoder().encode('2'), { ifMatch: v1.etag });
    // Quoted ETags (as another SDK would hand them on) are accepted too.
    await store.put('doc/a', new TextEncoder().encode('3'), { ifMatch: `"${v2.etag}"` });
    // RGW refuses the quoted form: put, (quoted put refused, HEAD, bare put), then one bare put.
    expect(sent).toEqual([
      'PutObjectCommand',
      'PutObjectCommand',
      'HeadObjectCommand',
      'PutObjectCommand',
      'PutObjectCommand',
    ]);
    store.destroy();
  });
});
