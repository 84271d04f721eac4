import { z } from '@hono/zod-openapi';
import type { ChangeContext, Principal } from '@market-pulse/core';

/**
 * Who makes the change a request asks for: its authenticated principal's actor (SPEC §10). Never
 * read from the body: loose body schemas drop actor fields, strict ones accept them only through
 * {@link IGNORED_ACTOR_FIELDS} and the handler drops them ({@link withoutActorFields}).
 */
export const changeBy = (c: { get(key: 'principal'): Principal }): ChangeContext => ({
  actor: c.get('principal').actor,
});

/** The names a client may send as "who changed this" — what the documents themselves show. */
const ACTOR_FIELD_NAMES = ['actor', 'by', 'createdBy', 'updatedBy', 'requestedBy'] as const;

const ignored = z
  .unknown()
  .optional()
  .openapi({ description: 'Ignored: the change is recorded as the authenticated principal' });

/**
 * Fields a strict body schema accepts and ignores, so a document read, edited and sent back (with
 * its `createdBy`/`updatedBy`) is not refused — yet its names never reach the change.
 */
export const IGNORED_ACTOR_FIELDS = Object.fromEntries(
  ACTOR_FIELD_NAMES.map((name) => [name, ignored]),
) as Record<(typeof ACTOR_FIELD_NAMES)[number], typeof ignored>;

/** The body without the fields of {@link IGNORED_ACTOR_FIELDS}. */
export function withoutActorFields<T extends object>(
  body: T,
): Omit<T, (typeof ACTOR_FIELD_NAMES)[number]> {
  const rest = { ...body } as Record<string, unknown>;
  for (const name of ACTOR_FIELD_NAMES) delete rest[name];
  return rest as Omit<T, (typeof ACTOR_FIELD_NAMES)[number]>;
}
