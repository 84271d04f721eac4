import type { ChangeContext, Principal } from '@market-pulse/core';

/**
 * Who makes the change a request asks for: its authenticated principal's actor (SPEC §10). Never
 * read from the body — no body schema has an actor field (strict ones refuse one, loose ones drop it).
 */
export const changeBy = (c: { get(key: 'principal'): Principal }): ChangeContext => ({
  actor: c.get('principal').actor,
});
