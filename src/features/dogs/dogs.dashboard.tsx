import type { DashboardCard } from '../dashboard/dashboard.public.js';
import { actorCan } from '../../platform/http/replies.js';
import { careOf, dogScopeOf } from './dogs.scope.js';
import { dogCounts } from './dogs.service.js';

/** The dashboard's dogs card: how many dogs are in care and available, with links to the list. */
export function DogsCard({ basePath, counts, canEdit }: { basePath: string; counts: { inCare: number; available: number }; canEdit: boolean }) {
  const dogs = `${basePath}/hub/dogs`;
  return (
    <li>
      <h2>Dogs</h2>
      <p><a href={dogs}>{counts.inCare} {counts.inCare === 1 ? 'dog' : 'dogs'} in care</a>, <a href={`${dogs}?status=available`}>{counts.available} available</a>.</p>
      {canEdit && <p><a href={`${dogs}/new`}>Add a dog</a></p>}
    </li>
  );
}

/** The dogs card as the dashboard shows it to members who may see dogs. */
export const dogsDashboardCard: DashboardCard = {
  permission: 'dogs.view',
  render: async (request, basePath) => <DogsCard basePath={basePath} counts={await dogCounts(request.tenant.db.kysely, careOf(dogScopeOf(request.actor)))} canEdit={actorCan(request, 'dogs.edit')} />,
};
