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

// A reviewer's `kpi.manual_score` of agent A1 (team T1, org O1).
export function manualScore(
  id: string,
  indicator: string,
  value: number,
  reviewerId: string,
  time = '2026-11-05T09:00:00+08:00',
): CanonicalEvent {
  return {
    specversion: '1.0',
    id,
    source: 'reviews/lms',
    type: 'kpi.manual_score',
    time,
    data: { orgId: 'O1', teamId: 'T1', agentId: 'A1', indicator, value, reviewerId },
  };
}
