/**
 * The few globals core uses beyond the ECMAScript library, declared here instead of taking in
 * `@types/node` or the DOM library: core runs in any JS runtime (Node, Deno, Bun, browsers,
 * workers) and reads no Node global, so tsconfig.json sets `"types": []` and a `process`,
 * `Buffer`, `setTimeout` or `node:` import in core fails the typecheck. Everything declared here
 * is a WHATWG standard present in all of those runtimes; add to it only with that in mind (time,
 * timers and randomness come through ports, never from globals).
 *
 * Only the members core calls are declared; the shapes match lib.dom.d.ts and @types/node, which
 * take over where core's sources are compiled with them (tests, the Node packages).
 */

/** WHATWG Encoding: UTF-8 encoding of strings (store documents and row files are UTF-8 JSON). */
interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

/** WHATWG Encoding: decoding of bytes read from the store. */
interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
}
declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

/**
 * W3C Web Crypto, only `subtle.digest` (checksums of stored objects, store/checksum.ts). Optional:
 * a runtime without it gets the pure-JS SHA-256 of `@noble/hashes`.
 */
interface SubtleCrypto {
  digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>;
}
declare var crypto: { readonly subtle?: SubtleCrypto } | undefined;
