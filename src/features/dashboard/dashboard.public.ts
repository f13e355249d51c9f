import type { JSX } from 'preact';
import type { Permission } from '../../platform/http/permissions.js';
import type { StaffRequest } from '../../platform/http/scopes.js';

/** A card another feature adds to the hub's dashboard, shown to members whose role grants `permission`. */
export interface DashboardCard {
  permission: Permission;
  /** The card (an `<li>` of the card list) for this request, or null to show none. */
  render(request: StaffRequest, basePath: string): Promise<JSX.Element | null>;
}

/**
 * One kind of thing that waits for someone (new applications, photos to approve…), which a feature
 * adds to the dashboard's "Waiting" card. Shown to members whose role grants `permission` (the
 * permission of the page it links to), and only while its count is above zero.
 */
export interface WaitingItem {
  permission: Permission;
  /** How many wait: one cheap count query. */
  count(request: StaffRequest): Promise<number>;
  /** What the count says, e.g. "3 new applications". */
  label(count: number): string;
  /** Where they are dealt with, under the hub's base path (e.g. `/hub/applications?status=new`). */
  path: string;
}

/** "1 photo" or "2 photos": a count with its noun. */
export function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
