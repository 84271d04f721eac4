import type { Mailer, MailMessage } from '../ports/mailer.js';

/** A {@link Mailer} that keeps what it is given, for tests (and demos without SMTP). */
export interface MemoryMailer extends Mailer {
  /** Every message sent, oldest first. */
  readonly sent: readonly MailMessage[];
}

/** Creates a {@link MemoryMailer}. */
export function createMemoryMailer(): MemoryMailer {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
      return { id: `memory-${sent.length}` };
    },
  };
}
