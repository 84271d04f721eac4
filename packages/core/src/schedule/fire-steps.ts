/** The failpoints of the scheduler's protocol, in order (a fire's life). */
export const FIRE_STEPS = [
  'fire.after-lease',
  'fire.after-claim',
  'fire.after-run',
  'fire.after-settle',
] as const;
/** One named step of a fire's life. */
export type FireStep = (typeof FIRE_STEPS)[number];
