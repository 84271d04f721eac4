/** How many bytes of `chunk` end on a whole UTF-8 sequence (the rest waits for the next chunk). */
export function wholeSequences(chunk: Uint8Array): number {
  const n = chunk.length;
  for (let back = 1; back <= Math.min(4, n); back++) {
    const b = chunk[n - back] as number;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? n - back : n;
  }
  return n; // only continuation bytes: invalid, and the validator will say where
}
