import { h } from 'preact';
import { When } from '../../platform/http/views/time.js';
import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { sendPage } from '../../platform/http/replies.js';
import type { TenantScope } from '../../platform/http/scopes.js';
import { counted, type WaitingItem } from '../dashboard/dashboard.public.js';
import { countSignedAwaitingCompletion, selectSignedAwaitingCompletion } from './contracts.queries.js';

type SignedRow = Awaited<ReturnType<typeof selectSignedAwaitingCompletion>>[number];

/** Approved applications whose adopter signed the contract: each application's page completes the adoption. */
export function SignedContractsPage({ ctx, rows }: { ctx: PageContext; rows: SignedRow[] }) {
  return (
    <Layout ctx={ctx} title="Signed contracts: adoptions to complete">
      <h1>Signed contracts: adoptions to complete</h1>
      {rows.length === 0 ? <p>No signed contract is waiting for its adoption to be completed.</p> : (
        <>
          <p>{counted(rows.length, 'adopter has', 'adopters have')} signed the contract. Complete each adoption on its application's page.</p>
          <TableWrap labelledBy="signed-contracts-caption">
            <table>
              <caption id="signed-contracts-caption">Approved applications with a signed contract, oldest signature first</caption>
              <thead><tr><th scope="col">Application for</th><th scope="col">Contract signed</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id}>
                    <th scope="row"><a href={`${ctx.basePath}/hub/applications/${r.id}`}>{r.dog_name}</a></th>
                    <td>{r.signed_at && <When at={r.signed_at} dateOnly />}</td>
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

/** The hub page of signed contracts whose adoption is still to complete. */
export function signedContractsRoute(app: TenantScope): void {
  app.get('/hub/contracts/signed', { config: { permission: 'applications.view' } }, async (request, reply) => {
    const rows = await selectSignedAwaitingCompletion(request.tenant.db.kysely);
    return sendPage(reply, 200, h(SignedContractsPage, { ctx: app.kona.page(request, 'hub'), rows }));
  });
}

/** The dashboard's "signed, adoption to complete" item: approved applications whose adopter signed the contract. */
export const signedContractsWaiting: WaitingItem = {
  permission: 'applications.view',
  count: (request) => countSignedAwaitingCompletion(request.tenant.db.kysely),
  label: (n) => `${counted(n, 'contract signed', 'contracts signed')}: ${n === 1 ? 'adoption' : 'adoptions'} to complete`,
  path: '/hub/contracts/signed',
};
