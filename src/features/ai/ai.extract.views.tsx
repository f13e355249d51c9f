/** A medical document's proposed entries: what was read, from which passage and by which path; confirm or dismiss each. */
import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import type { Proposal } from './ai.extract.js';
import type { ExtractionView } from './ai.extract.service.js';

/** What the page is drawn from. */
export interface ExtractionPageProps {
  ctx: PageContext;
  dogId: string;
  dogName: string;
  document: { id: string; title: string };
  view?: ExtractionView;
  canEdit: boolean;
  notice?: string;
  message?: string;
}

const reasonNotices: Record<string, string> = {
  off: 'No AI server is set up for this rescue, so the reading rules alone made these proposals.',
  unreachable: 'The AI server is not reachable right now, so the reading rules alone made these proposals.',
  breakers_open: 'The AI server is not reachable right now, so the reading rules alone made these proposals.',
  deadline: 'The AI server did not answer in time, so the reading rules alone made these proposals.',
  invalid: 'The AI server\'s answer could not be used, so the reading rules alone made these proposals.',
};

const kindLabels: Record<Proposal['kind'], string> = { vaccination: 'Vaccination', treatment: 'Treatment', weight: 'Weight', microchip: 'Microchip', spayNeuter: 'Spay/neuter', clinic: 'Clinic', vet: 'Vet' };

function valueText(p: Proposal): string {
  if (p.kind === 'weight') return `${String(p.value)} kg`;
  if (p.kind === 'spayNeuter') return p.value ? 'Spayed or neutered' : 'Not spayed or neutered';
  const dates = [p.given && `given ${p.given}`, p.due && `next due ${p.due}`].filter(Boolean).join(', ');
  return dates ? `${String(p.value)} (${dates})` : String(p.value);
}

function ProposalItem({ props, draftId, p }: { props: ExtractionPageProps; draftId: string; p: Proposal }) {
  const base = `${props.ctx.basePath}/hub/dogs/${props.dogId}/documents/${props.document.id}/extraction/${draftId}/proposals/${p.id}`;
  const label = `${kindLabels[p.kind]}: ${valueText(p)}`;
  return (
    <li class="ai-proposal" data-proposal={p.kind} data-decision={p.decision?.status ?? 'open'}>
      <p><strong>{label}</strong> <span class="hint">({p.madeBy === 'model' ? 'read by the AI model' : 'read by the rules'})</span></p>
      <blockquote>
        <p>{p.passage.text}</p>
        <footer class="hint">Page {p.passage.page}, line {p.passage.line}</footer>
      </blockquote>
      {p.kind === 'clinic' || p.kind === 'vet' ? <p class="hint">Confirmed, it is recorded as who gave the vaccinations you confirm from this document.</p> : null}
      {p.decision && <p class="ai-decision" role="status">{p.decision.status === 'confirmed' ? 'Confirmed' : 'Dismissed'}, <When at={new Date(p.decision.at)} />.</p>}
      {!p.decision && props.canEdit && (
        <div class="actions">
          <form method="post" action={`${base}/confirm`} class="inline">
            <Csrf token={props.ctx.csrfToken} />
            <button type="submit" aria-label={`Confirm ${label}`}>Confirm</button>
          </form>
          <form method="post" action={`${base}/dismiss`} class="inline">
            <Csrf token={props.ctx.csrfToken} />
            <button type="submit" class="secondary" aria-label={`Dismiss ${label}`}>Dismiss</button>
          </form>
        </div>
      )}
    </li>
  );
}

function Result({ props, view }: { props: ExtractionPageProps; view: ExtractionView }) {
  const x = view.extraction;
  if (!x.ok) return <p class="notice" role="status" data-unreadable={x.reason}>This document could not be read: {x.message}</p>;
  return (
    <>
      <p class="ai-path" data-path={view.path}>
        {view.path === 'model' ? `The AI model${view.model ? ` (${view.model})` : ''} checked what the reading rules found` : 'Read by the reading rules (no AI model)'}
        {x.source === 'ocr' ? ' from a scan or photo (text recognition)' : ' from the PDF\'s text'}, <When at={view.createdAt} />.
      </p>
      {view.reason && reasonNotices[view.reason] && <p class="notice" role="status">{reasonNotices[view.reason]}</p>}
      {x.notes.map((n) => <p class="notice" role="status" key={n}>{n}</p>)}
      {x.proposals.length === 0 ? <p>Nothing that could become a medical entry was found in this document.</p> : (
        <ul class="plain ai-proposals">{x.proposals.map((p) => <ProposalItem key={p.id} props={props} draftId={view.id} p={p} />)}</ul>
      )}
    </>
  );
}

/** The proposed entries page of one document. */
export function ExtractionPage(props: ExtractionPageProps) {
  const { ctx, dogId, document } = props;
  const dogBase = `${ctx.basePath}/hub/dogs/${dogId}`;
  return (
    <Layout ctx={ctx} title={`Proposed entries from ${document.title}`}>
      <p><a href={`${dogBase}/medical#documents`}>← {props.dogName}'s medical record</a></p>
      <h1>Proposed entries from “{document.title}”</h1>
      <p>Read from the document for you to check: nothing is recorded until you confirm it. Each entry shows the passage it was read from.</p>
      {props.message && <div class="notice error" role="alert">{props.message}</div>}
      {props.notice && <p class="notice" role="status">{props.notice}</p>}
      {props.view ? <Result props={props} view={props.view} /> : <p class="notice" role="status">This document is waiting to be read. Reload this page in a minute.</p>}
      {props.canEdit && (
        <form method="post" action={`${dogBase}/documents/${document.id}/extract`}>
          <Csrf token={ctx.csrfToken} />
          <button type="submit" class="secondary">Extract again</button>
        </form>
      )}
    </Layout>
  );
}
