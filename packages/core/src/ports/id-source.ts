/** Where unique ids (lease holders, upload ids, nonces) come from; core never calls a random source itself. */
export interface IdSource {
  nextId(): string;
}
