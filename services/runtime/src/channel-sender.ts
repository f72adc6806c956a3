import type { ChannelConfig, RenderedMessage } from '#libs/notify';
import type { DeliverySender } from '#libs/pipeline';
import type { HttpSender } from './http-sender';
import type { SmtpSender } from './smtp-sender';

// The delivery runner's sender: HTTP channels through fetch, email through SMTP.
export class ChannelSender implements DeliverySender {
  constructor(
    private readonly http: HttpSender,
    private readonly smtp: SmtpSender | null, // null: no SMTP server configured
  ) {}

  send(channel: ChannelConfig, message: RenderedMessage, now: number): Promise<void> {
    if (channel.kind === 'email') {
      if (message.kind !== 'email') return Promise.reject(new Error('email: the message was not rendered as an email'));
      if (this.smtp === null) return Promise.reject(new Error('email: no SMTP server is configured'));
      return this.smtp.send(channel.to, message);
    }
    if (message.kind !== 'http')
      return Promise.reject(new Error(`${channel.kind}: the message was rendered as an email`));
    return this.http.send(channel, message, now);
  }
}
