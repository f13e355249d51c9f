import { Fold } from '../../platform/http/views/fold.js';
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import { Field, Select } from '../../platform/http/views/forms.js';
import { formatBytes } from '../../platform/storage/index.js';
import { EntryTable } from './medical.components.js';
import { vaccinationName } from './medical.fields.js';
import type { DocumentRow } from './documents.queries.js';
import type { PanelProps } from './medical.panel-props.js';

const typeLabel: Record<DocumentRow['content_type'], string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG image', 'image/png': 'PNG image', 'image/webp': 'WebP image' };

/** Where a document's file is downloaded from (staff with medical.view only). */
export function documentUrl(basePath: string, dogId: string, documentId: string): string {
  return `${basePath}/hub/dogs/${dogId}/documents/${documentId}/file`;
}

/** The documents linked to one vaccination, treatment or visit, as download links. */
export function LinkedDocuments({ ctx, dogId, documents }: { ctx: PageContext; dogId: string; documents: DocumentRow[] }) {
  if (documents.length === 0) return <>—</>;
  return (
    <ul class="plain">
      {documents.map((d) => <li key={d.id}><a href={documentUrl(ctx.basePath ?? '', dogId, d.id)} download>{d.title}</a></li>)}
    </ul>
  );
}

/** The "attach to" choices: nothing, or one of the dog's vaccinations, treatments or visits. */
export function linkChoices(record: PanelProps['record']): { value: string; label: string }[] {
  return [
    { value: '', label: 'The medical record only' },
    ...record.vaccinations.map((v) => ({ value: `vaccination:${v.id}`, label: `Vaccination: ${vaccinationName(v.type, v.label)}, ${v.given_on}` })),
    ...record.treatments.map((t) => ({ value: `treatment:${t.id}`, label: `${t.kind === 'medication' ? 'Medication' : 'Treatment'}: ${t.name}, from ${t.starts_on}` })),
    ...record.visits.map((v) => ({ value: `visit:${v.id}`, label: `Vet visit: ${v.clinic}, ${v.visit_on}` })),
  ];
}

function linkedTo(p: PanelProps, d: DocumentRow): string {
  const value = d.vaccination_id ? `vaccination:${d.vaccination_id}` : d.treatment_id ? `treatment:${d.treatment_id}` : d.visit_id ? `visit:${d.visit_id}` : '';
  return value ? (linkChoices(p.record).find((c) => c.value === value)?.label ?? '—') : '—';
}

function DeleteDocument({ p, d }: { p: PanelProps; d: DocumentRow }) {
  const id = `confirm-document-${d.id}`;
  return (
    <details>
      <summary>Delete…</summary>
      <form method="post" action={`${p.ctx.basePath}/hub/dogs/${p.record.dog.id}/documents/${d.id}/delete`} class="inline">
        <Csrf token={p.ctx.csrfToken} />
        <input id={id} type="checkbox" name="confirm" value="yes" required />
        <label for={id}>Yes, delete “{d.title}” for good</label>
        <button type="submit" class="secondary">Delete document</button>
      </form>
    </details>
  );
}

function UploadDocument({ p, maxMb }: { p: PanelProps; maxMb: number }) {
  const form = p.forms.document ?? { values: {}, errors: {} };
  return (
    <Fold summary="Attach a document" open={p.forms.document !== undefined}>
      <form method="post" action={`${p.ctx.basePath}/hub/dogs/${p.record.dog.id}/documents`} enctype="multipart/form-data" class="stack" aria-label="Attach a document">
        {/* The fields come before the file: the server reads them first while the file streams in. */}
        <Csrf token={p.ctx.csrfToken} />
        <Field form={form} name="title" label="Title" hint="Like Vaccination certificate 2024. Left empty, the file's name is used." />
        <Select form={form} name="link" label="Attach to" options={linkChoices(p.record)} />
        <div>
          <label for="document-file">File</label>
          <input id="document-file" type="file" name="document" accept="application/pdf,image/jpeg,image/png,image/webp,image/heic" required aria-describedby="document-file-hint" />
          <p id="document-file-hint" class="hint">PDF, JPEG, PNG, WebP or HEIC, up to {maxMb} MB. Location data is removed from images.</p>
        </div>
        <div><button type="submit">Attach document</button></div>
      </form>
    </Fold>
  );
}

/** The documents section: every document of the dog, with download links, and the upload form for editors. */
export function DocumentsPanel(p: PanelProps) {
  const docs = p.record.documents;
  return (
    <section aria-labelledby="documents-heading" id="documents">
      <h2 id="documents-heading">Documents</h2>
      <EntryTable id="documents" caption="Documents, latest first" empty="No document attached yet." head={['Title', 'Type', 'Size', 'Attached to', 'Added', ...(p.canEdit ? ['Actions'] : [])]} count={docs.length}>
        {docs.map((d) => (
          <tr key={d.id}>
            <th scope="row">
              <a href={documentUrl(p.ctx.basePath ?? '', p.record.dog.id, d.id)} download>{d.title}</a>{d.original_name && <small> ({d.original_name})</small>}
              <br /><a href={`${p.ctx.basePath ?? ''}/hub/dogs/${p.record.dog.id}/documents/${d.id}/extraction`}>Proposed entries<span class="visually-hidden"> from {d.title}</span></a>
            </th>
            <td>{typeLabel[d.content_type]}</td><td>{formatBytes(d.size_bytes)}</td><td>{linkedTo(p, d)}</td>
            <td><When at={d.created_at} dateOnly /></td>
            {p.canEdit && <td><DeleteDocument p={p} d={d} /></td>}
          </tr>
        ))}
      </EntryTable>
      {p.canEdit && <UploadDocument p={p} maxMb={p.documentMaxMb} />}
    </section>
  );
}
