import { describe, expect, it } from 'vitest';
import { CONNECTOR_NAMES, CONNECTORS, signAsVendor, type Delivery } from '#libs/connectors';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { simulate } from './simulate';
import { vendorWebhooks } from './vendor-webhooks';

const URL = 'https://kpi.example.com/v1/sources/x/src_000000000001';
const NOW = Date.parse('2026-11-05T00:00:00Z');

const events: CanonicalEvent[] = [
  ...simulate({ orgs: 1, teamsPerOrg: 2, agentsPerTeam: 3, days: 3, start: '2026-11-01', seed: 7 }),
].flatMap((line) => (line.kind === 'valid' ? [line.event] : []));

// What `simulate --as <connector>` sends, through the connector as the endpoint takes it: every webhook
// verifies, and maps back to contract-valid events of the simulated event's type.
describe.each(CONNECTOR_NAMES)('simulate --as %s: vendor webhooks round-trip through the connector', (name) => {
  it('verifies each signed webhook and maps it back to a valid event of the same type and record', () => {
    const connector = CONNECTORS[name];
    const kept = new Map<string, Delivery[]>(); // by record, as the payload store finds them
    let rendered = 0;
    for (const event of events) {
      const webhooks = vendorWebhooks(name, event);
      if (webhooks === undefined) {
        expect(connector.eventTypes).not.toContain(event.type);
        continue;
      }
      rendered++;
      const mapped = webhooks.flatMap(({ body, contentType }) => {
        const signed = signAsVendor(name, { url: URL, body }, 'simulated-secret', NOW);
        const request = { method: 'POST', url: URL, headers: signed.headers, body: signed.body };
        expect(connector.verify(request, ['simulated-secret'], NOW)).toEqual({ ok: true });
        const delivery = { body: connector.redact(signed.body), contentType, receivedAt: Date.parse(event.time) };
        const records = connector.recordsOf(delivery);
        const earlier = [...new Set(records.flatMap((r) => kept.get(r) ?? []))].filter((k) => k.body !== delivery.body);
        for (const r of records) kept.set(r, [...(kept.get(r) ?? []), delivery]);
        return connector.map(delivery, { orgId: 'O1', source: `${name}/src_1`, timeZone: 'Asia/Shanghai', earlier });
      });
      expect(mapped.filter((m) => m.kind === 'unmappable')).toEqual([]);
      const out = mapped.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
      expect(out.map((e) => e.type)).toContain(event.type);
      for (const e of out) expect(validateEvent(e)).toMatchObject({ ok: true });
      const same = out.find((e) => e.type === event.type);
      // Twilio names a call by its CallSid, which the simulator makes from the call id
      if (name !== 'twilio') expect(same?.subject).toBe(event.subject);
      if (event.data.amount !== undefined && same?.data.amount !== undefined)
        expect(same.data.amount).toBe(event.data.amount);
    }
    expect(rendered).toBeGreaterThan(0);
  });
});
