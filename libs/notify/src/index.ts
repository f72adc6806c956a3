export {
  buildNotification,
  formatNumber,
  scorecardLink,
  type AlertItem,
  type AlertLine,
  type Language,
  type Notification,
  type NotificationOptions,
} from './notification';
export {
  redact,
  secretsOf,
  type ChannelConfig,
  type ChannelKind,
  type HttpChannel,
  type HttpRequest,
  type JsonObject,
  type RenderedMessage,
} from './channel';
export { renderFor, signedRequest, vendorFailure } from './render';
export { WEBHOOK_HEADERS, webhookSignature } from './webhook.channel';
export { CHANNEL_KINDS, parseChannel, publicChannel, type PublicChannel } from './parse-channel';
