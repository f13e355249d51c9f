import type { JSX } from 'preact';
import type { Permission } from '../../platform/http/permissions.js';
import type { StaffRequest } from '../../platform/http/scopes.js';

/** A card another feature adds to the hub's dashboard, shown to members whose role grants `permission`. */
export interface DashboardCard {
  permission: Permission;
  /** The card (an `<li>` of the card list) for this request, or null to show none. */
  render(request: StaffRequest, basePath: string): Promise<JSX.Element | null>;
}
