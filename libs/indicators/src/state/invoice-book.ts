import type { CanonicalEvent } from '#libs/events';

// An org's invoices as the overdue measure needs them across events: each invoice by its id, with what
// was paid and written off against it. The invoice's own event says whose it is and when it is due;
// payments and write-offs only name the invoice, so one invoice's money never moves another's balance.
export interface InvoiceBook {
  invoices: Map<string, Invoice>;
}

export interface Invoice {
  // the invoice.issued that defines it: the latest in event time (ties: the larger idempotency key), so a
  // re-issued invoice replaces its amount, due day and owner whatever the arrival order; undefined until
  // the invoice is seen (payments and write-offs of it are held meanwhile)
  issue: InvoiceIssue | undefined;
  paid: number; // major units, every payment.received of the invoice
  writtenOff: number; // major units, every invoice.written_off of the invoice
}

export interface InvoiceIssue {
  amount: number;
  dueDay: number; // local due date, as a day number
  timeMs: number;
  key: string; // idempotency key of the event
  team: string | undefined; // the team and agent the invoice counts for (its event's)
  agent: string | undefined;
}

export function newInvoiceBook(): InvoiceBook {
  return { invoices: new Map() };
}

// The invoice's open balance: issued − paid − written off, never below 0 (an overpayment is not credit
// for another invoice); 0 for an invoice not seen. Amounts are binary floats, so 1.1 paid as 1 + 0.1
// leaves 8e-17: a rest within a trillionth of the amount is float residue, not money, and settles it.
export function openBalance(invoice: Invoice): number {
  if (invoice.issue === undefined) return 0;
  const rest = invoice.issue.amount - invoice.paid - invoice.writtenOff;
  return rest > Math.abs(invoice.issue.amount) * SETTLED_WITHIN ? rest : 0;
}

const SETTLED_WITHIN = 1e-12;

// true when `next` defines the invoice rather than `current`
export function supersedes(next: InvoiceIssue, current: InvoiceIssue | undefined): boolean {
  if (current === undefined) return true;
  return next.timeMs > current.timeMs || (next.timeMs === current.timeMs && next.key > current.key);
}

export interface InvoiceSnapshot {
  id: string;
  issue: (Omit<InvoiceIssue, 'team' | 'agent'> & { team: string | null; agent: string | null }) | null;
  paid: number;
  writtenOff: number;
}

export function snapshotInvoices(book: InvoiceBook): InvoiceSnapshot[] {
  const out: InvoiceSnapshot[] = [];
  for (const [id, { issue, paid, writtenOff }] of book.invoices) {
    out.push({
      id,
      issue: issue === undefined ? null : { ...issue, team: issue.team ?? null, agent: issue.agent ?? null },
      paid,
      writtenOff,
    });
  }
  return out;
}

export function restoreInvoices(book: InvoiceBook, snap: readonly InvoiceSnapshot[]): void {
  for (const { id, issue, paid, writtenOff } of snap) {
    book.invoices.set(id, {
      issue: issue === null ? undefined : { ...issue, team: issue.team ?? undefined, agent: issue.agent ?? undefined },
      paid,
      writtenOff,
    });
  }
}

// A checkpoint written before invoices were kept by id held open balances by due day only, which cannot
// be told apart by invoice: its ledgers are dropped (see the overdue measure's restore) and so are the
// invoices it knew. Only its held write-offs carry their invoice id: they are kept, held for their invoice.
export function restoreLegacyInvoices(
  book: InvoiceBook,
  pendingWriteOffs: readonly [string, CanonicalEvent[]][],
): void {
  for (const [id, events] of pendingWriteOffs) {
    for (const e of events) {
      if (typeof e.data.amount !== 'number') continue;
      const invoice = book.invoices.get(id) ?? { issue: undefined, paid: 0, writtenOff: 0 };
      invoice.writtenOff += e.data.amount;
      book.invoices.set(id, invoice);
    }
  }
}
