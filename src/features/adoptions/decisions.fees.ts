import type { Kysely } from 'kysely';
import type { FeeMethod, TenantSchema } from '../../platform/db/schema.js';

/** How an adoption fee may be paid, in the order the form offers them. */
export const feeMethods: readonly FeeMethod[] = ['cash', 'cheque', 'card_in_person', 'online', 'waived'];

const methodLabels: Record<FeeMethod, string> = {
  cash: 'Cash', cheque: 'Cheque', card_in_person: 'Card in person', online: 'Online payment', waived: 'Waived (no fee)',
};

/** A payment method as people read it ("Card in person"). */
export function feeMethodLabel(method: FeeMethod): string {
  return methodLabels[method];
}

/** Whether a receipt number is taken in this rescue (case does not make a new number). */
export async function receiptNumberTaken(db: Kysely<TenantSchema>, receipt: string): Promise<boolean> {
  const row = await db.selectFrom('adoption_completions').select('application_id')
    .where((eb) => eb(eb.fn('lower', ['receipt_number']), '=', receipt.toLowerCase())).executeTakeFirst();
  return !!row;
}

/**
 * The receipt number the completion form suggests: `<year>-<sequence>` ("2026-0007"), one past the
 * rescue's receipts of that year, skipping any number staff already typed by hand.
 */
export async function suggestedReceiptNumber(db: Kysely<TenantSchema>, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const row = await db.selectFrom('adoption_completions').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('receipt_number', 'like', `${year}-%`).executeTakeFirstOrThrow();
  for (let n = Number(row.n) + 1; ; n++) {
    const candidate = `${year}-${String(n).padStart(4, '0')}`;
    if (!(await receiptNumberTaken(db, candidate))) return candidate;
  }
}
