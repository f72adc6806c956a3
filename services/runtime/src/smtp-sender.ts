import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { redact, type RenderedMessage } from '#libs/notify';

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean; // TLS from the first byte (465); otherwise STARTTLS when the server offers it
  user: string | null;
  password: string | null;
  from: string;
  timeoutMs: number;
}

// a file sent with a message (the weekly review pack's PDF)
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

// Sends a rendered email (text and HTML parts) through one SMTP server with nodemailer. The Message-ID
// comes from the idempotency key, so a mail client or a filter can dedupe a retried message.
export class SmtpSender {
  private readonly transport: Transporter;

  constructor(private readonly config: SmtpConfig) {
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      auth: config.user === null ? undefined : { user: config.user, pass: config.password ?? '' },
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
    });
  }

  async send(
    to: readonly string[],
    message: Extract<RenderedMessage, { kind: 'email' }>,
    attachments: readonly MailAttachment[] = [],
  ): Promise<void> {
    const id = createHash('sha256').update(message.key).digest('hex').slice(0, 32);
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: [...to],
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: `<${id}@kpi-pulse>`,
        headers: { 'X-KPI-Pulse-Idempotency-Key': message.key },
        attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      });
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      const secrets = [this.config.password ?? ''].filter((s) => s !== '');
      throw new Error(redact(`email: ${text}`, secrets));
    }
  }

  close(): void {
    this.transport.close();
  }
}
