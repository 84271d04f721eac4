/** Where time comes from. Core never reads the system clock itself. */
export interface Clock {
  now(): Date;
}
