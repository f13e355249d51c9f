import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Notice, type FormState } from '../../platform/http/views/forms.js';
import { When } from '../../platform/http/views/time.js';
import type { ThreadMessage } from './thread.js';
import { MessageForm, Thread } from './thread.views.js';
import type { VetUploadRow } from './uploads.js';
import { UploadList } from './uploads.views.js';

/** A grant as the rescue's hub page shows it. */
export interface HubGrantView {
  id: string;
  vet: { name: string; clinic: string; licence: string; area: string };
  dog: { id: string; name: string };
  state: 'open' | 'expired' | 'revoked';
  expiresAt: Date | null;
  revokedAt: Date | null;
  thread: ThreadMessage[];
  uploads: VetUploadRow[];
}

const stateWords = { open: 'Open', expired: 'Expired', revoked: 'Withdrawn by the rescue' } as const;

/** The hub page of one vet's access to one dog: who, what, until when, the thread and the vet's documents. */
export function HubGrantPage({ ctx, view, notice, reply }: { ctx: PageContext; view: HubGrantView; notice?: string; reply?: { form: FormState; text?: string } }) {
  const base = `${ctx.basePath}/hub/vet-grants/${view.id}`;
  return (
    <Layout ctx={ctx} title={`Vet access: ${view.dog.name}`}>
      <h1>{`Vet access to ${view.dog.name}`}</h1>
      {notice && <Notice>{notice}</Notice>}
      <dl>
        <dt>Vet</dt><dd>{view.vet.name}</dd>
        <dt>Clinic</dt><dd>{view.vet.area ? `${view.vet.clinic}, ${view.vet.area}` : view.vet.clinic}</dd>
        <dt>Licence number</dt><dd>{view.vet.licence}</dd>
        <dt>Dog</dt><dd><a href={`${ctx.basePath}/hub/dogs/${view.dog.id}`}>{view.dog.name}</a></dd>
        <dt>Status</dt><dd>{stateWords[view.state]}</dd>
        {view.expiresAt && <><dt>{view.state === 'expired' ? 'Expired' : 'Expires'}</dt><dd><When at={view.expiresAt} /></dd></>}
        {view.revokedAt && <><dt>Withdrawn</dt><dd><When at={view.revokedAt} /></dd></>}
      </dl>
      <h2 id="uploads">Documents the vet sent</h2>
      <p>Accepting one adds it to the dog's medical documents; the vet sees whether it was accepted.</p>
      <UploadList ctx={ctx} uploads={view.uploads} decide={(id) => `${base}/uploads/${id}`} file={(id) => `${base}/uploads/${id}/file`} />
      <h2 id="messages">Messages</h2>
      <Thread messages={view.thread} />
      {view.state === 'open'
        ? <MessageForm ctx={ctx} action={`${base}/messages`} form={reply?.form} message={reply?.text} />
        : <p>The vet can no longer read this thread, so no reply can be sent.</p>}
    </Layout>
  );
}
