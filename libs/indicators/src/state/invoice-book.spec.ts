import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import {
  newInvoiceBook,
  openBalance,
  restoreInvoices,
  restoreLegacyInvoices,
  snapshotInvoices,
  supersedes,
  type InvoiceIssue,
} from './invoice-book';

const issue = (fields: Partial<InvoiceIssue> = {}): InvoiceIssue => ({
  amount: 100,
  dueDay: 20,
  timeMs: 1000,
  key: '1:s:b',
  team: 'T1',
  agent: undefined,
  ...fields,
});

describe('the invoice book', () => {
  it('an open balance is issued − paid − written off, never below 0; an unseen invoice has none', () => {
    expect(openBalance({ issue: issue(), paid: 30.5, writtenOff: 0.25 })).toBe(69.25);
    expect(openBalance({ issue: issue(), paid: 100, writtenOff: 0 })).toBe(0);
    expect(openBalance({ issue: issue(), paid: 150, writtenOff: 0 })).toBe(0);
    expect(openBalance({ issue: undefined, paid: -5, writtenOff: 0 })).toBe(0);
    // 1.1 − 1 − 0.1 leaves 8e-17 in binary: residue, not money; a real cent stays open
    expect(openBalance({ issue: issue({ amount: 1.1 }), paid: 1, writtenOff: 0.1 })).toBe(0);
    expect(openBalance({ issue: issue({ amount: 1.1 }), paid: 1, writtenOff: 0.09 })).toBeCloseTo(0.01, 12);
  });

  it('a rest of exactly a trillionth of the amount is residue; twice that is open', () => {
    expect(openBalance({ issue: issue({ amount: 1e12 }), paid: 1e12 - 1, writtenOff: 0 })).toBe(0);
    expect(openBalance({ issue: issue({ amount: 1e12 }), paid: 1e12 - 2, writtenOff: 0 })).toBe(2);
  });

  it('the later issue defines the invoice; at the same time, the larger key', () => {
    expect(supersedes(issue(), undefined)).toBe(true);
    expect(supersedes(issue({ timeMs: 1001 }), issue())).toBe(true);
    expect(supersedes(issue({ timeMs: 999, key: '1:s:z' }), issue())).toBe(false);
    expect(supersedes(issue({ key: '1:s:c' }), issue())).toBe(true);
    expect(supersedes(issue({ key: '1:s:a' }), issue())).toBe(false);
    expect(supersedes(issue(), issue())).toBe(false);
  });

  it('round-trips a snapshot through JSON, owners and unseen invoices included', () => {
    const book = newInvoiceBook();
    book.invoices.set('I1', { issue: issue(), paid: 1, writtenOff: 2 });
    book.invoices.set('I2', { issue: undefined, paid: 3, writtenOff: 0 });
    const snap = JSON.parse(JSON.stringify(snapshotInvoices(book))) as ReturnType<typeof snapshotInvoices>;
    expect(snap[0]?.issue?.agent).toBeNull();
    expect(snap[1]?.issue).toBeNull();
    const back = newInvoiceBook();
    restoreInvoices(back, snap);
    expect(back).toEqual(book);
  });

  it('a legacy checkpoint keeps its held write-offs against their invoice', () => {
    const writeOff = (amount: unknown): CanonicalEvent => ({
      specversion: '1.0',
      id: 'w',
      source: 's',
      type: 'invoice.written_off',
      time: '2026-01-01T00:00:00Z',
      data: { orgId: 'O1', invoiceId: 'I1', amount },
    });
    const book = newInvoiceBook();
    book.invoices.set('I2', { issue: issue(), paid: 0, writtenOff: 1 });
    restoreLegacyInvoices(book, [
      ['I1', [writeOff(4), writeOff('x'), writeOff(1.5)]],
      ['I2', [writeOff(2)]],
    ]);
    expect(book.invoices.get('I1')).toEqual({ issue: undefined, paid: 0, writtenOff: 5.5 });
    expect(book.invoices.get('I2')?.writtenOff).toBe(3);
  });
});
