/** Where unique ids (lease holders, upload ids, nonces) come from; core never calls a random source itself. */
export interface IdSource {
  /** A new id, unique across every process sharing the store (the Node adapter uses random UUIDs). */
  nextId(): string;
}
