// A canonical event (contract v1, docs/events.md): a CloudEvents 1.0 structured-mode JSON event.
export interface EventData {
  orgId: string;
  teamId?: string;
  agentId?: string;
  [field: string]: unknown;
}

export interface CanonicalEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string; // RFC 3339 with offset: when it happened
  subject?: string;
  data: EventData;
}
