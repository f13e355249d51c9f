import { can } from '../../platform/http/permissions.js';
import type { StaffRequest } from '../../platform/http/scopes.js';
import type { WaitingItem } from './dashboard.public.js';

/** An item with its count, ready to show. */
export interface CountedItem {
  label: string;
  href: string;
}

/** The items this member's role may see whose count is above zero, in the order they were registered. */
export async function waitingFor(request: StaffRequest, items: readonly WaitingItem[], basePath: string): Promise<CountedItem[]> {
  const shown: CountedItem[] = [];
  // One after the other: an embedded database runs one query at a time anyway.
  for (const item of items) {
    if (!can(request.actor.role, item.permission)) continue;
    const n = await item.count(request);
    if (n > 0) shown.push({ label: item.label(n), href: `${basePath}${item.path}` });
  }
  return shown;
}

/** The dashboard's first card: what waits for someone, each with its count and a link, or a calm "nothing". */
export function WaitingCard({ items }: { items: CountedItem[] }) {
  return (
    <li class="waiting">
      <h2>Waiting</h2>
      {items.length === 0 ? <p>Nothing is waiting for you.</p> : (
        <ul>
          {items.map((i) => <li key={i.href}><a href={i.href}>{i.label}</a></li>)}
        </ul>
      )}
    </li>
  );
}
