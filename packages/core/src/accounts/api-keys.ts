import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { RandomSource } from '../ports/random-source.js';
import { createDocument, readDocument, updateDocument } from '../store/json-document.js';
import { API_KEYS_PREFIX, apiKeyKey } from '../store/layout.js';
import { userSchema } from './user.js';

/**
 * An API key of a service account (SPEC §10): scoped to a role and asset classes like a user,
 * stored as the SHA-256 of its secret (the secret has 256 random bits, so a fast hash is enough —
 * nothing to guess), shown once when created, revocable.
 */
export const apiKeySchema = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  name: z.string().trim().min(1).max(200),
  role: userSchema.shape.role,
  assetClasses: userSchema.shape.assetClasses,
  clo: userSchema.shape.clo,
  /** SHA-256 of the key's secret, in hex. */
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
/** A stored API key. */
export type ApiKey = z.infer<typeof apiKeySchema>;
/** An API key as listed: everything but the hash of its secret. */
export type ApiKeyView = Omit<ApiKey, 'secretHash'>;

/** The fields a caller gives to create an API key. */
export const newApiKeySchema = z.strictObject({
  name: apiKeySchema.shape.name,
  role: apiKeySchema.shape.role,
  assetClasses: apiKeySchema.shape.assetClasses.default([]),
  clo: apiKeySchema.shape.clo.default(null),
});
/** Input of {@link createApiKey}. */
export type NewApiKey = z.input<typeof newApiKeySchema>;

/** What the API-key functions need. */
export interface ApiKeyDependencies {
  store: ObjectStore;
  clock: Clock;
  random: RandomSource;
}

/** Every key starts so; a leaked one is recognisable in logs and by secret scanners. */
const PREFIX = 'mpk_';
const KEY_FORMAT = /^mpk_([0-9a-f]{16})_([0-9a-f]{64})$/;

const hashOf = (secret: string) => bytesToHex(sha256(new TextEncoder().encode(secret)));
const view = ({ secretHash, ...rest }: ApiKey): ApiKeyView => rest;

/** Equal strings of equal length, compared without stopping at the first difference. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * Creates an API key. Returns it with `token`, the only time the secret is ever shown
 * (`mpk_<id>_<secret>`): store it where the service reads it.
 */
export async function createApiKey(
  deps: ApiKeyDependencies,
  input: NewApiKey,
  actor: string,
): Promise<ApiKeyView & { token: string }> {
  const parsed = newApiKeySchema.safeParse(input);
  if (!parsed.success)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid API key: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { details: { issues: parsed.error.issues } },
    );
  const id = bytesToHex(deps.random.bytes(8));
  const secret = bytesToHex(deps.random.bytes(32));
  const key: ApiKey = {
    ...parsed.data,
    id,
    secretHash: hashOf(secret),
    createdAt: deps.clock.now().toISOString(),
    createdBy: actor,
    revokedAt: null,
    revokedBy: null,
  };
  await createDocument(deps.store, apiKeyKey(id), apiKeySchema.parse(key));
  return { ...view(key), token: `${PREFIX}${id}_${secret}` };
}

/** Every API key (revoked ones included, marked), by creation time. */
export async function listApiKeys(store: ObjectStore): Promise<ApiKeyView[]> {
  const keys: ApiKeyView[] = [];
  for await (const { key } of store.list(API_KEYS_PREFIX)) {
    if (!key.endsWith('.json')) continue;
    const doc = await readDocument(store, key, apiKeySchema);
    if (doc) keys.push(view(doc.value));
  }
  return keys.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Revokes an API key (idempotent: revoking a revoked key keeps its first revocation). */
export async function revokeApiKey(
  deps: Pick<ApiKeyDependencies, 'store' | 'clock'>,
  id: string,
  actor: string,
): Promise<ApiKeyView> {
  const notFound = new MarketPulseError('NOT_FOUND', `no API key ${id}`, { details: { id } });
  if (!/^[0-9a-f]{16}$/.test(id)) throw notFound;
  const now = deps.clock.now().toISOString();
  const outcome = await updateDocument(deps.store, apiKeyKey(id), apiKeySchema, (current) => {
    if (current === null) throw notFound;
    if (current.revokedAt !== null) return undefined;
    return { ...current, revokedAt: now, revokedBy: actor };
  });
  return view(outcome.value as ApiKey);
}

/**
 * The live API key a presented token belongs to, or `undefined` — for a malformed token, an
 * unknown or revoked key or a wrong secret alike.
 */
export async function verifyApiKey(
  store: ObjectStore,
  token: string,
): Promise<ApiKeyView | undefined> {
  const match = KEY_FORMAT.exec(token.trim());
  if (!match) return undefined;
  const stored = await readDocument(store, apiKeyKey(match[1] as string), apiKeySchema);
  if (!stored || stored.value.revokedAt !== null) return undefined;
  return sameText(stored.value.secretHash, hashOf(match[2] as string))
    ? view(stored.value)
    : undefined;
}
