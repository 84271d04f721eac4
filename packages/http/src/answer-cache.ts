import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { ReadScope } from '@market-pulse/core';

/** The encodings an answer is kept in besides its plain bytes, best first. */
export const ANSWER_ENCODINGS = ['br', 'gzip'] as const;
/** A content coding of {@link ANSWER_ENCODINGS}. */
export type AnswerEncoding = (typeof ANSWER_ENCODINGS)[number];

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
/** Fast settings: an answer is compressed once, but the first reader waits for it. */
const encoders: Record<AnswerEncoding, (bytes: Uint8Array) => Promise<Uint8Array>> = {
  br: (bytes) =>
    brotli(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
      },
    }),
  gzip: (bytes) => gzipped(bytes, { level: 6 }),
};
/** Bodies smaller than this are sent plain (compressing them saves less than it costs). */
const MIN_COMPRESSED_BYTES = 1024;

/** One serialised answer: its UTF-8 bytes and, once asked for, each compressed form. */
export interface CachedAnswer {
  readonly plain: Uint8Array;
  readonly encoded: Partial<Record<AnswerEncoding, Promise<Uint8Array>>>;
  /** The bytes held: the plain form and the compressed forms made so far. */
  size: number;
}

/**
 * Serialised answers of reads keyed by data version, reader scope and query: a page asked again
 * (pollers, desks on the same page) is sent without building, serialising or compressing it
 * again. Least recently used first out, within a byte budget counting every form kept. A new data
 * version makes every old key unused.
 */
export class AnswerCache {
  private readonly answers = new Map<string, CachedAnswer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): CachedAnswer | undefined {
    const answer = this.answers.get(key);
    if (answer !== undefined) {
      this.answers.delete(key);
      this.answers.set(key, answer);
    }
    return answer;
  }

  /** Keeps `body` (serialised) under `key` and returns it as kept. */
  set(key: string, body: string): CachedAnswer {
    const plain = new TextEncoder().encode(body);
    const answer: CachedAnswer = { plain, encoded: {}, size: plain.byteLength };
    if (answer.plain.byteLength > this.maxBytes / 4) return answer;
    this.remove(key);
    this.answers.set(key, answer);
    this.grow(answer.plain.byteLength);
    return answer;
  }

  /**
   * The answer's bytes in the best encoding `acceptEncoding` allows (compressed once, then kept),
   * or plain (`encoding` undefined) for small bodies and clients that accept no compression.
   */
  async encode(
    key: string,
    answer: CachedAnswer,
    acceptEncoding: string | undefined,
  ): Promise<{ bytes: Uint8Array; encoding?: AnswerEncoding }> {
    const encoding = preferredEncoding(acceptEncoding);
    if (encoding === undefined || answer.plain.byteLength < MIN_COMPRESSED_BYTES)
      return { bytes: answer.plain };
    let pending = answer.encoded[encoding];
    if (pending === undefined) {
      const started = encoders[encoding](answer.plain);
      pending = started;
      answer.encoded[encoding] = started;
      // A failed compression is not kept: the next reader tries again.
      started.catch(() => {
        if (answer.encoded[encoding] === started) delete answer.encoded[encoding];
      });
      const bytes = await pending;
      answer.size += bytes.byteLength;
      // Counted only while the answer is still kept (it may have been pushed out meanwhile).
      if (this.answers.get(key) === answer) this.grow(bytes.byteLength);
      return { bytes, encoding };
    }
    return { bytes: await pending, encoding };
  }

  private remove(key: string): void {
    const old = this.answers.get(key);
    if (old === undefined) return;
    this.answers.delete(key);
    this.bytes -= old.size;
  }

  private grow(by: number): void {
    this.bytes += by;
    for (const key of this.answers.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(key);
    }
  }
}

/**
 * The best of {@link ANSWER_ENCODINGS} an `Accept-Encoding` header allows (q > 0; `*` counts),
 * br before gzip at equal weight; undefined for none.
 */
export function preferredEncoding(acceptEncoding: string | undefined): AnswerEncoding | undefined {
  if (!acceptEncoding) return undefined;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  let best: AnswerEncoding | undefined;
  let bestWeight = 0;
  for (const encoding of ANSWER_ENCODINGS) {
    const weight = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}

/** What a reader sees, as a key: readers with the same sectors and columns get the same answers. */
export function scopeKeyOf(scope: ReadScope): string {
  // Scopes are kept per reader for the account window: the key is made once per scope object.
  let key = scopeKeys.get(scope);
  if (key === undefined) {
    const rows = scope.rows.all ? '*' : [...scope.rows.sectors].sort().join(',');
    const columns = scope.columns.all ? '*' : [...scope.columns.visible].sort().join(',');
    key = `${rows}\u0000${columns}`;
    scopeKeys.set(scope, key);
  }
  return key;
}
const scopeKeys = new WeakMap<ReadScope, string>();

const scopeTags = new Map<string, string>();
/**
 * A short tag of a scope key (16 hex digits of its SHA-256) for ETags: answers of one data version
 * differ by scope, so their validators must too. Kept for the scopes seen (bounded).
 */
export function scopeTagOf(scopeKey: string): string {
  let tag = scopeTags.get(scopeKey);
  if (tag === undefined) {
    tag = createHash('sha256').update(scopeKey).digest('hex').slice(0, 16);
    if (scopeTags.size >= 10_000) scopeTags.clear();
    scopeTags.set(scopeKey, tag);
  }
  return tag;
}
