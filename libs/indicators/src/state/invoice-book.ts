import type { CanonicalEvent } from '#libs/events';

// An org's invoices as the overdue measure needs them across events.
export interface InvoiceBook {
  dueDay: Map<string, number>; // invoiceId → due day, for write-offs that carry no due date
  pendingWriteOffs: Map<string, CanonicalEvent[]>; // write-offs seen before their invoice
}

export function newInvoiceBook(): InvoiceBook {
  return { dueDay: new Map(), pendingWriteOffs: new Map() };
}
