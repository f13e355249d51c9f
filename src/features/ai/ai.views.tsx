/** The AI helpers section of a dog's hub page: the draft buttons and the drafts waiting for a decision. */
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import { bioTones } from './ai.bio.js';
import { textFieldsOf } from './ai.fields.js';
import type { DraftView } from './ai.service.js';

/** What the section is drawn from. */
export interface AiPanelProps {
  ctx: PageContext;
  dogId: string;
  dogName: string;
  canDraftDog: boolean;
  canDraftPhotos: boolean;
  photos: Array<{ id: string; label: string }>;
  drafts: DraftView[];
}

const featureTitles: Record<string, string> = { bio: 'Bio draft', 'alt-text': 'Alt text draft', social: 'Social posts draft' };
const reasonNotices: Record<string, string> = {
  off: 'No AI server is set up for this rescue, so this draft was made from a template.',
  unreachable: 'The AI server is not reachable right now, so this draft was made from a template.',
  breakers_open: 'The AI server is not reachable right now, so this draft was made from a template.',
  deadline: 'The AI server did not answer in time, so this draft was made from a template.',
  invalid: 'The AI server\'s answer could not be used, so this draft was made from a template.',
  refused: 'The AI server could not take this request (the record may be longer than the model reads), so this draft was made from a template.',
};
const fieldLabels: Record<string, string> = { bio: 'Bio', altText: 'Alt text', short: 'short post', long: 'long post' };
const labelOf = (path: string) => path.split('.').map((p) => fieldLabels[p] ?? p.charAt(0).toUpperCase() + p.slice(1)).join(', ');

function Draft({ props, draft, photoLabel }: { props: AiPanelProps; draft: DraftView; photoLabel?: string }) {
  const { ctx } = props;
  const base = `${ctx.basePath}/hub/dogs/${props.dogId}/ai/drafts/${draft.id}`;
  const headingId = `draft-${draft.id}`;
  return (
    <article class="ai-draft" aria-labelledby={headingId} data-draft={draft.feature}>
      <h3 id={headingId}>{featureTitles[draft.feature] ?? draft.feature}{photoLabel ? ` for ${photoLabel}` : ''}</h3>
      <p class="ai-path" data-path={draft.path}>
        {draft.path === 'model' ? `Made by the AI model${draft.model ? ` (${draft.model})` : ''} in ${(draft.latencyMs / 1000).toFixed(1)} s.` : 'Made by the simpler path (a template from the record).'}
      </p>
      {draft.reason && <p class="notice" role="status">{reasonNotices[draft.reason]}</p>}
      <form method="post" action={`${base}/approve`} class="stack">
        <Csrf token={ctx.csrfToken} />
        {textFieldsOf(draft.output).map(([path, value]) => (
          <p key={path}>
            <label for={`${draft.id}-${path}`}>{labelOf(path)}</label>
            <textarea id={`${draft.id}-${path}`} name={`f.${path}`} rows={path.endsWith('short') || draft.feature === 'alt-text' ? 2 : 6}>{value}</textarea>
          </p>
        ))}
        <p>Nothing is published until you approve. Edit the text first if you like.</p>
        <button type="submit">Approve{draft.feature === 'bio' ? ' as the public description' : draft.feature === 'alt-text' ? ' as the alt text' : ''}</button>
      </form>
      <form method="post" action={`${base}/discard`} class="inline">
        <Csrf token={ctx.csrfToken} />
        <button type="submit" class="secondary">Discard</button>
      </form>
    </article>
  );
}

/** The AI helpers section. */
export function AiPanel(props: AiPanelProps) {
  const { ctx } = props;
  const base = `${ctx.basePath}/hub/dogs/${props.dogId}`;
  const photoLabels = new Map(props.photos.map((p) => [p.id, p.label]));
  return (
    <section id="ai-drafts" aria-labelledby="ai-heading">
      <h2 id="ai-heading">AI helpers</h2>
      <p>Drafts are suggestions for you to check. They are made on this site; nothing leaves it.</p>
      {props.canDraftDog && (
        <div class="ai-actions">
          <form method="post" action={`${base}/ai/bio`} class="inline">
            <Csrf token={ctx.csrfToken} />
            <label for="ai-tone">Tone</label>
            <select id="ai-tone" name="tone">{bioTones.map((t) => <option key={t} value={t}>{t.charAt(0).toUpperCase() + t.slice(1)}</option>)}</select>
            <button type="submit">Draft bio</button>
          </form>
          <form method="post" action={`${base}/ai/social`} class="inline">
            <Csrf token={ctx.csrfToken} />
            <button type="submit">Draft social posts</button>
          </form>
        </div>
      )}
      {props.canDraftPhotos && props.photos.length > 0 && (
        <ul class="ai-photos">
          {props.photos.map((p) => (
            <li key={p.id}>
              <form method="post" action={`${base}/photos/${p.id}/ai/alt-text`} class="inline">
                <Csrf token={ctx.csrfToken} />
                <button type="submit">Draft alt text for {p.label}</button>
              </form>
            </li>
          ))}
        </ul>
      )}
      {props.drafts.length === 0 ? <p>No drafts waiting.</p> : props.drafts.map((d) => <Draft key={d.id} props={props} draft={d} photoLabel={d.feature === 'alt-text' ? photoLabels.get(d.subjectId) : undefined} />)}
    </section>
  );
}
