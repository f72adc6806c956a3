import { WEBHOOK_HEADERS, webhookSignature } from '#libs/notify';
import type { ConnectorName } from './connector';
import { isObject, parseJson } from './payload';
import { hmac } from './verify';

// A webhook signed as the vendor signs it, for `kpi-pulse simulate --as <connector>`: the headers to
// send, and the body (Aircall's carries its token).
export function signAsVendor(
  connector: ConnectorName,
  request: { url: string; body: string },
  secret: string,
  now: number,
): { headers: Record<string, string>; body: string } {
  const { url, body } = request;
  const seconds = String(Math.floor(now / 1000));
  const basic = `Basic ${Buffer.from(secret).toString('base64')}`;
  switch (connector) {
    case 'stripe':
      return {
        body,
        headers: { 'stripe-signature': `t=${seconds},v1=${hmac('sha256', secret, `${seconds}.${body}`, 'hex')}` },
      };
    case 'hubspot': {
      const ms = String(now);
      return {
        body,
        headers: {
          'x-hubspot-signature-v3': hmac('sha256', secret, `POST${url}${body}${ms}`, 'base64'),
          'x-hubspot-request-timestamp': ms,
        },
      };
    }
    case 'salesforce':
      return {
        body,
        headers: {
          [WEBHOOK_HEADERS.timestamp]: seconds,
          [WEBHOOK_HEADERS.signature]: webhookSignature(secret, seconds, body),
        },
      };
    case 'zendesk': {
      const at = new Date(now).toISOString();
      return {
        body,
        headers: {
          'x-zendesk-webhook-signature': hmac('sha256', secret, `${at}${body}`, 'base64'),
          'x-zendesk-webhook-signature-timestamp': at,
        },
      };
    }
    case 'pipedrive':
    case 'freshdesk':
      return { body, headers: { authorization: basic } };
    case 'aircall': {
      const parsed = parseJson(body);
      return { body: JSON.stringify({ ...(isObject(parsed) ? parsed : {}), token: secret }), headers: {} };
    }
    case 'twilio': {
      const params = [...new URLSearchParams(body).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return {
        body,
        headers: { 'x-twilio-signature': hmac('sha1', secret, url + params.map(([k, v]) => k + v).join(''), 'base64') },
      };
    }
  }
}
