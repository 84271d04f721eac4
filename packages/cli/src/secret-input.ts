import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import password from '@inquirer/password';

/**
 * A password from the terminal (a masked prompt) or, when standard input is not a terminal, its
 * first line — so scripts can pipe one in and nothing lands in the shell history or `ps`.
 */
export async function readSecretFromProcess(prompt: string): Promise<string> {
  if (process.stdin.isTTY) return password({ message: prompt, mask: '*' });
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

/** The local operator recorded as the actor of CLI changes: `cli:<os user>`. */
export function processOperator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}
