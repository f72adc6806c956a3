import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '#libs/events';
import { SOURCE_TOPICS, sourceTopicOf, TOPICS } from './topics';

describe('sourceTopicOf', () => {
  it('places every type of the contract on a source topic', () => {
    for (const type of EVENT_TYPES) expect(SOURCE_TOPICS).toContain(sourceTopicOf(type));
  });

  it('places manual scores on the reviews topic and refunds on finance', () => {
    expect(sourceTopicOf('kpi.manual_score')).toBe(TOPICS.reviews);
    expect(sourceTopicOf('refund.issued')).toBe(TOPICS.finance);
    expect(sourceTopicOf('call.ended')).toBe(TOPICS.ticketing);
  });

  it('refuses a type outside the contract instead of landing it on finance', () => {
    expect(() => sourceTopicOf('invoice.voided')).toThrow(/invoice\.voided/);
  });
});
