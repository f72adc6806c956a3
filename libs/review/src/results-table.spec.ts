import { describe, expect, it } from 'vitest';
import { buildReviewPack } from './review-pack';
import { card, inputs, kpi } from './review-pack.fixture';
import { resultRows, toCsv } from './results-table';
import { toXlsx } from './xlsx';
import { readXlsx } from './xlsx.fixture';

const pack = buildReviewPack(
  inputs({
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
  }),
);

describe('results table', () => {
  it('has a row per card (total, grade, frozen, restated) and per KPI (actual, previous week, target, score)', () => {
    const rows = resultRows(pack, 'zh');
    expect(rows[0]?.[0]).toBe('团队');
    expect(rows[1]?.slice(-2)).toEqual([70, 'B']);
    expect(rows[1]?.slice(5, 8)).toEqual(['yes', 'yes', '12']); // ended, frozen, restated by #12
    expect(rows[2]?.slice(8)).toEqual(['signed', '签约额', 'count', 600, 400, 100, 60, 'amber', null, null]);
  });

  it('leaves the KPI columns of a card’s row, and what a live card or a KPI without status lacks, empty', () => {
    const live = buildReviewPack(
      inputs({ current: [card({ grade: null, kpis: [kpi({ kpi: 'calls', actual: 3 })] })] }),
    );
    const head = [
      'T1',
      '2026-W48',
      'sales-manager',
      '2026-09-30T16:00:00.000Z',
      '2026-12-31T16:00:00.000Z',
      'no',
      'no',
      '',
    ];
    expect(resultRows(live, 'en').slice(1)).toEqual([
      [...head, '', '', '', null, null, null, null, '', 70, null],
      [...head, 'calls', 'calls', 'count', 3, null, 100, null, '', null, null],
    ]);
  });

  it('writes RFC 4180 CSV, quoting what needs it and defusing formulas', () => {
    expect(toCsv([['a,b', 'say "hi"', '=SUM(A1)', 1.5, null]])).toBe('"a,b","say ""hi""",\'=SUM(A1),1.5,\r\n');
    // a formula's first character inside a text, and a negative number, are left as they are
    expect(toCsv([['a-b', 'lead@example.com', -1.5, '+86 10', '@x'], []])).toBe(
      "a-b,lead@example.com,-1.5,'+86 10,'@x\r\n\r\n",
    );
    expect(toCsv(resultRows(pack, 'en')).split('\r\n')[2]).toContain('"Signed, net"');
  });

  it('goes into the XLSX sheet as it is: text as text, numbers as numbers', () => {
    const { sheetName, rows } = readXlsx(toXlsx('2026-W48 T1', resultRows(pack, 'zh')));
    expect(sheetName).toBe('2026-W48 T1');
    expect(rows.map((r) => r.cells.map((c) => c.value))).toEqual(
      resultRows(pack, 'zh').map((r) => r.filter((c) => c !== null)),
    );
    expect(rows[2]?.cells.find((c) => c.ref === 'L3')?.value).toBe(600);
  });
});
