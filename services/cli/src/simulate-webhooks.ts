import { CONNECTOR_NAMES, isConnectorName, signAsVendor, type ConnectorName } from '#libs/connectors';
import { errorMessage } from '#libs/pipeline';
import { simulate, vendorWebhooks, type SimulationOptions } from '#libs/simulator';
import { UsageError } from './usage-error';

export interface WebhookSimulation {
  as: string; // the connector
  to: string; // the connector source's URL, as POST /v1/sources answered it
  secret: string; // the secret the source was registered with
  rate: number; // simulated events per second
  count: number | undefined; // stop after this many events (undefined: until stopped)
}

export function connectorOf(text: string): ConnectorName {
  if (!isConnectorName(text))
    throw new UsageError(`--as: expected one of ${CONNECTOR_NAMES.join(', ')}, got "${text}"`);
  return text;
}

// The simulator's events the connector's vendor sends, stamped with the current time, as that vendor's
// signed webhooks to a connector source: the live scorecards move as the demo's do. Each answer is a line
// on stderr; a refused webhook (401) stops the run, naming why.
export async function sendAsVendor(options: SimulationOptions, run: WebhookSimulation): Promise<number> {
  const connector = connectorOf(run.as);
  if (!URL.canParse(run.to)) throw new UsageError(`--to: expected the source's URL, got "${run.to}"`);
  let sent = 0;
  for (const line of simulate(options)) {
    if (run.count !== undefined && sent >= run.count) break;
    if (line.kind === 'invalid') continue;
    const event = { ...line.event, time: new Date().toISOString() };
    const webhooks = vendorWebhooks(connector, event);
    if (webhooks === undefined) continue;
    for (const { body, contentType } of webhooks) {
      const signed = signAsVendor(connector, { url: run.to, body }, run.secret, Date.now());
      let res: Response;
      try {
        res = await fetch(run.to, {
          method: 'POST',
          headers: { 'content-type': contentType, ...signed.headers },
          body: signed.body,
        });
      } catch (err) {
        throw new UsageError(`${run.to}: ${errorMessage(err)} (is KPI Pulse up?)`);
      }
      const answer = await res.text();
      if (res.status === 401 || res.status === 404) throw new UsageError(`${run.to} answered ${res.status}: ${answer}`);
      process.stderr.write(`${event.type} ${event.subject ?? ''} → ${res.status} ${answer.slice(0, 200)}\n`);
    }
    sent++;
    await new Promise((resolve) => setTimeout(resolve, 1000 / run.rate));
  }
  return sent;
}
