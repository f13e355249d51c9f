import { h } from 'preact';
import { When } from '../../platform/http/views/time.js';
import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { sendPage } from '../../platform/http/replies.js';
import type { TenantScope } from '../../platform/http/scopes.js';
import { counted, type WaitingItem } from '../dashboard/dashboard.public.js';
import { countPendingPhotos, selectPendingPhotosByDog } from './photos.queries.js';

type PendingDog = Awaited<ReturnType<typeof selectPendingPhotosByDog>>[number];

/** The photos awaiting approval, by dog; each dog's page holds the approve and reject buttons. */
export function PendingPhotosPage({ ctx, dogs }: { ctx: PageContext; dogs: PendingDog[] }) {
  const total = dogs.reduce((n, d) => n + d.pending, 0);
  return (
    <Layout ctx={ctx} title="Photos awaiting approval">
      <h1>Photos awaiting approval</h1>
      {dogs.length === 0 ? <p>No photo is waiting for approval.</p> : (
        <>
          <p>{counted(total, 'photo waits', 'photos wait')} for approval. Approve or reject them on each dog's page.</p>
          <TableWrap labelledBy="pending-photos-caption">
            <table>
              <caption id="pending-photos-caption">Dogs with photos awaiting approval</caption>
              <thead><tr><th scope="col">Dog</th><th scope="col">Awaiting approval</th><th scope="col">Oldest upload</th></tr></thead>
              <tbody>
                {dogs.map((d) => (
                  <tr key={d.id}>
                    <th scope="row"><a href={`${ctx.basePath}/hub/dogs/${d.id}#photos`}>{d.name}</a></th>
                    <td>{d.pending}</td>
                    <td><When at={d.oldest} dateOnly /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      )}
    </Layout>
  );
}

/** The hub page listing photos awaiting approval (photos.approve: the people who can approve them). */
export function pendingPhotosRoute(app: TenantScope): void {
  app.get('/hub/photos/pending', { config: { permission: 'photos.approve' } }, async (request, reply) => {
    const dogs = await selectPendingPhotosByDog(request.tenant.db.kysely);
    return sendPage(reply, 200, h(PendingPhotosPage, { ctx: app.kona.page(request, 'hub'), dogs }));
  });
}

/** The dashboard's "photos awaiting approval" item, across every dog, linked to that page. */
export const pendingPhotosWaiting: WaitingItem = {
  permission: 'photos.approve',
  count: (request) => countPendingPhotos(request.tenant.db.kysely),
  label: (n) => `${counted(n, 'photo', 'photos')} awaiting approval`,
  path: '/hub/photos/pending',
};
