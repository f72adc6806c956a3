// The fixed words the simulator writes into events.

export const SOURCES = {
  crm: 'crm/hubspot',
  ticketing: 'ticketing/zendesk',
  telephony: 'telephony/aircall',
  finance: 'finance/stripe',
  reviews: 'hr/reviews',
} as const;
export type SimulatedSource = (typeof SOURCES)[keyof typeof SOURCES];

// Event id prefixes, one per source: ids are unique within their source.
export const EVENT_ID_PREFIXES: Readonly<Record<SimulatedSource, string>> = {
  'crm/hubspot': 'hs',
  'ticketing/zendesk': 'zd',
  'telephony/aircall': 'ac',
  'finance/stripe': 'evt',
  'hr/reviews': 'rv',
};

// One vocabulary for `crm.deal.won` data.industry (English, lower case).
export const INDUSTRIES = ['manufacturing', 'pharma', 'retail', 'software', 'logistics'] as const;
export type Industry = (typeof INDUSTRIES)[number];

export const TICKET_CHANNELS = ['chat', 'phone', 'email', 'web'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

export const INQUIRY_CHANNELS = ['chat', 'web', 'phone'] as const;

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export const REPORTING_CURRENCY = 'CNY';
export const FOREIGN_CURRENCY = 'USD';
// CNY per USD, only to keep USD amounts of a plausible size
export const CNY_PER_USD = 7.1;

export const REVIEW_COMMENTS = [
  'Consistent work this period.',
  'Good collaboration with the team.',
  'Needs to follow the escalation process more closely.',
  'Handled difficult customers well.',
  'Documentation could be more complete.',
] as const;
