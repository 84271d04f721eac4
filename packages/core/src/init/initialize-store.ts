import { isMarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';
import { createDocument } from '../store/json-document.js';
import { RULES_DOCUMENT } from '../store/layout.js';

/**
 * Prepares a new store (a data folder's `init`, the demo): creates the rules document with
 * `rules` (default none) unless it exists. Safe to repeat: an initialised store is left as it is.
 * Returns whether it created anything.
 *
 * @example
 * ```ts
 * await initializeStore(store, { rules: REALISTIC_RULES }); // true: the rules document was created
 * await initializeStore(store); // false: already initialised, left as it is
 * ```
 */
export async function initializeStore(
  store: ObjectStore,
  options: { rules?: readonly unknown[] } = {},
): Promise<boolean> {
  try {
    await createDocument(store, RULES_DOCUMENT, { rules: [...(options.rules ?? [])] });
    return true;
  } catch (err) {
    if (isMarketPulseError(err, 'CONFLICT')) return false; // already initialised
    throw err;
  }
}
