import { describe, expect, it } from 'vitest';
import { buildReviewPack } from './review-pack';
import { card, kpi, WEEK } from './review-pack.fixture';
import { resultRows, toCsv } from './results-table';
import { toXlsx } from './xlsx';

const pack = buildReviewPack({
  team: { orgId: 'O1', teamId: 'T1' },
  week: WEEK,
  current: [
    card({
      closed: true,
      frozen: true,
      restatement: '12',
      kpis: [
        kpi({ kpi: 'signed', name: { en: 'Signed, net', zh: '签约额' }, actual: 600, score: 60, status: 'amber' }),
      ],
    }),
  ],
  previous: [card({ kpis: [kpi({ kpi: 'signed', actual: 400 })] })],
  redLines: [],
  alerts: [],
  funnel: {
    newSqls: null,
    previousSqls: null,
    conversion: null,
    previousConversion: null,
    stalledDays: 14,
    stalled: [],
  },
  actionItems: [],
});

describe('results table', () => {
  it('has a row per card (total, grade, frozen, restated) and per KPI (actual, previous week, target, score)', () => {
    const rows = resultRows(pack, 'zh');
    expect(rows[0]?.[0]).toBe('团队');
    expect(rows[1]?.slice(-2)).toEqual([70, 'B']);
    expect(rows[1]?.slice(5, 8)).toEqual(['yes', 'yes', '12']); // ended, frozen, restated by #12
    expect(rows[2]?.slice(8)).toEqual(['signed', '签约额', 'count', 600, 400, 100, 60, 'amber', null, null]);
  });

  it('writes RFC 4180 CSV, quoting what needs it and defusing formulas', () => {
    expect(toCsv([['a,b', 'say "hi"', '=SUM(A1)', 1.5, null]])).toBe('"a,b","say ""hi""",\'=SUM(A1),1.5,\r\n');
    expect(toCsv(resultRows(pack, 'en')).split('\r\n')[2]).toContain('"Signed, net"');
  });

  it('writes an XLSX zip, stored: the same table gives the same bytes, the cells are in the sheet part', () => {
    const bytes = toXlsx('2026-W48 T1', resultRows(pack, 'zh'));
    expect(toXlsx('2026-W48 T1', resultRows(pack, 'zh')).equals(bytes)).toBe(true);
    expect(bytes.readUInt32LE(0)).toBe(0x04034b50); // a zip's first local header
    const text = bytes.toString('utf8');
    expect(text).toContain('<c r="A1" t="inlineStr"><is><t xml:space="preserve">团队</t></is></c>');
    expect(text).toContain('<c r="L3"><v>600</v></c>');
    expect(text).toContain('name="2026-W48 T1"');
  });
});
