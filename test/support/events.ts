import type { CanonicalEvent } from '#libs/events';

// A `ticket.solved` of team T1, agent A1 in org O1: the event most tests need, with what varies.
export function ticketSolved(id: string, contacts: unknown = 1, time = '2026-11-02T10:00:00+08:00'): CanonicalEvent {
  return {
    specversion: '1.0',
    id,
    source: 'ticketing/zendesk',
    type: 'ticket.solved',
    time,
    data: {
      orgId: 'O1',
      teamId: 'T1',
      agentId: 'A1',
      ticketId: `k-${id}`,
      contacts,
      handleSeconds: 60,
      resolutionSeconds: 90,
    },
  };
}
