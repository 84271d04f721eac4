/** `1 parent`, `2 parents`, `1 row error`: a count with its noun, singular or plural. */
export function plural(count: number, noun: string, nounPlural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nounPlural}`;
}
