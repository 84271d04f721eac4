/**
 * Who makes a change (SPEC §7, §10): the authenticated principal's `actor` over HTTP
 * (`user:<email>`, `apikey:<id>`), `cli:<os user>` from the CLI, {@link SCHEDULER_ACTOR} for a
 * scheduled fire. Hosts derive it from the authenticated caller — never from a request's body.
 * Every mutating service takes one and stores it on the document it changes (`createdBy`,
 * `updatedBy`, `requestedBy`); the time is the service's clock.
 */
export interface ChangeContext {
  actor: string;
}

/** A change to a versioned document: who makes it, and the version they read (stale: CONFLICT). */
export interface VersionedChange extends ChangeContext {
  expectedVersion?: number;
}

/** The actor of the changes and runs the schedulers make on their own (a fire, a catch-up). */
export const SCHEDULER_ACTOR = 'scheduler';
