import { createRequire } from 'node:module';

// exceljs decodes XML entities a second time in text its XML parser (saxes) has already decoded:
// an inline-string or formula-string cell holding "A&lt;B" (stored as A&amp;lt;B) is read as
// "A<B" — and exceljs' streaming writer, which writes our exports, stores text cells that way.
// All four places exceljs calls its decoder receive parsed text, so it is made to pass text
// through unchanged, for every exceljs reader of the process.
const utils = createRequire(import.meta.url)('exceljs/lib/utils/utils.js') as {
  xmlDecode(text: string): string;
};

let patched = false;

/** Makes exceljs read entities once (see above); idempotent. */
export function decodeEntitiesOnce(): void {
  if (patched) return;
  utils.xmlDecode = (text) => text;
  patched = true;
}
