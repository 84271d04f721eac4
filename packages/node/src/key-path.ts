// How store keys become file paths (DESIGN §2). Keys are case-sensitive `[A-Za-z0-9._-]` segments;
// file systems may be case-insensitive (macOS, Windows) and Windows reserves device names. The
// encoding uses only characters keys cannot contain ('+', '~'), so it is unambiguous:
//   - an upper-case letter X becomes '+x' (so 'Key' and 'key' never share a file);
//   - a segment that is a Windows device name (con, nul, com1, …) or ends with '.' gets a trailing '+';
//   - the directory holding an object's versions ends with '~', which no path directory does, so
//     key 'a' and key 'a/b' never collide.

const RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$/i;

export function encodeSegment(segment: string): string {
  const escaped = segment.replace(/[A-Z]/g, (c) => `+${c.toLowerCase()}`);
  return RESERVED.test(escaped) || escaped.endsWith('.') ? `${escaped}+` : escaped;
}

export function decodeSegment(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    if (c !== '+') out += c;
    else if (i + 1 < name.length) out += (name[++i] as string).toUpperCase();
    // a trailing '+' only marks a reserved name
  }
  return out;
}

export const OBJECT_DIR_SUFFIX = '~';

/** Path segments (relative to the objects root) of the directory holding a key's versions. */
export function objectDirSegments(key: string): string[] {
  const segments = key.split('/').map(encodeSegment);
  segments[segments.length - 1] += OBJECT_DIR_SUFFIX;
  return segments;
}

/** Path segments of the deepest directory every key with this prefix lives under. */
export function prefixDirSegments(prefix: string): string[] {
  const parts = prefix.split('/');
  parts.pop(); // the last part is incomplete (or empty after a trailing '/')
  return parts.filter((p) => p !== '').map(encodeSegment);
}
