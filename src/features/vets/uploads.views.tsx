import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, type FormState } from '../../platform/http/views/forms.js';
import { When } from '../../platform/http/views/time.js';
import { formatBytes } from '../../platform/storage/index.js';
import type { VetUploadRow } from './uploads.js';

const statusWords: Record<VetUploadRow['status'], string> = { pending: 'Waiting for the rescue', accepted: 'Accepted into the record', declined: 'Declined' };

/** The vet's form to send a document (multipart: CSRF and title before the file). */
export function UploadForm({ ctx, action, form, message, maxMb }: { ctx: PageContext; action: string; form?: FormState; message?: string; maxMb: number }) {
  const state = form ?? { values: {}, errors: {} };
  const error = state.errors.document;
  return (
    <form method="post" action={action} enctype="multipart/form-data" class="stack" aria-label="Send a document">
      <Csrf token={ctx.csrfToken} />
      <ErrorSummary form={state} message={message} labels={{ title: 'Title', document: 'File' }} />
      <Field form={state} name="title" label="Title" required hint="What the document is, e.g. “Blood test results, March”." />
      <div>
        <label for="f-document">File</label>
        <input id="f-document" name="document" type="file" accept="application/pdf,image/jpeg,image/png,image/webp" required
          aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'f-document-hint f-document-error' : 'f-document-hint'} />
        <p class="hint" id="f-document-hint">{`PDF, JPEG, PNG or WebP, up to ${maxMb} MB. Images are re-saved without their camera and location data. The rescue decides whether to add it to the record.`}</p>
        {error && <p class="field-error" id="f-document-error">{error}</p>}
      </div>
      <div><button type="submit">Send document</button></div>
    </form>
  );
}

/** The uploads of a grant with where each stands; the hub adds a download link (`file`) and accept and decline buttons (`decide`) to pending ones. */
export function UploadList({ ctx, uploads, decide, file }: { ctx: PageContext; uploads: VetUploadRow[]; decide?: (id: string) => string; file?: (id: string) => string }) {
  if (uploads.length === 0) return <p>No documents sent yet.</p>;
  return (
    <ul class="plain stack">
      {uploads.map((u) => (
        <li key={u.id}>
          <p><strong>{file && u.status === 'pending' ? <a href={file(u.id)} download>{u.title}</a> : u.title}</strong> ({formatBytes(u.size_bytes)}), sent <When at={u.created_at} />: {statusWords[u.status]}</p>
          {decide && u.status === 'pending' && (
            <div class="actions">
              <form method="post" action={`${decide(u.id)}/accept`} class="inline"><Csrf token={ctx.csrfToken} /><button type="submit" aria-label={`Accept “${u.title}” into the medical record`}>Accept into the record</button></form>
              <form method="post" action={`${decide(u.id)}/decline`} class="inline"><Csrf token={ctx.csrfToken} /><button type="submit" class="secondary" aria-label={`Decline “${u.title}”`}>Decline</button></form>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
