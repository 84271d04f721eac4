/** One mail to send. */
export interface MailMessage {
  to: readonly string[];
  subject: string;
  /** The plain-text body (every mail has one). */
  text: string;
  html?: string;
}

/**
 * Where mail goes (SPEC §9, DESIGN §2): password resets now, notifications later. The SMTP adapter
 * arrives with the notifications work; the testing kit's `createMemoryMailer` captures mail.
 */
export interface Mailer {
  /** Sends one message; resolves with the transport's message id once it was accepted. */
  send(message: MailMessage): Promise<{ id: string }>;
}
