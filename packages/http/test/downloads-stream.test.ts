// Exports are streamed to the client: the response starts after the first chunk, not the whole
// file (a 1,000,000-row export is never held whole), and a failure before it is still an error.
import { describe, expect, it } from 'vitest';
import { startedStream } from '../src/streams.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('startedStream', () => {
  it('is ready after the first chunk while the rest is still being encoded', async () => {
    let release: () => void = () => {};
    const rest = new Promise<void>((resolve) => {
      release = resolve;
    });
    let produced = 0;
    async function* encoder() {
      produced++;
      yield bytes('header\n');
      await rest; // the encoder has not got further when the response starts
      produced++;
      yield bytes('row\n');
    }
    const stream = await startedStream(encoder());
    expect(produced).toBe(1);
    release();
    expect(await new Response(stream).text()).toBe('header\nrow\n');
    expect(produced).toBe(2);
  });

  it('throws a failure before the first chunk (an error response, not a cut file)', async () => {
    // biome-ignore lint/correctness/useYield: it fails before its first chunk
    async function* failing(): AsyncGenerator<Uint8Array> {
      throw new Error('cannot encode');
    }
    await expect(startedStream(failing())).rejects.toThrow('cannot encode');
  });

  it('an empty export is an empty body', async () => {
    async function* empty(): AsyncGenerator<Uint8Array> {}
    expect(await new Response(await startedStream(empty())).text()).toBe('');
  });
});
