import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Select, type FormState } from '../../platform/http/views/forms.js';
import type { MatchGrade } from '../matching/matching.public.js';
import type { PublicCandidate } from './lostfound.search.js';

/** How each grade reads: a resemblance for a person to check, never a claim that it is the dog. */
export const gradeWords: Record<MatchGrade, { label: string; advice: string }> = {
  strong: { label: 'Looks very similar', advice: 'A person at the rescue can check whether it could be the same dog.' },
  possible: { label: 'Looks somewhat similar', advice: 'It may be worth asking the rescue to check.' },
  weak: { label: 'Only a slight resemblance', advice: 'Probably a different dog, shown in case it helps.' },
};

const sizes = [{ value: '', label: 'Not sure' }, { value: 'small', label: 'Small' }, { value: 'medium', label: 'Medium' }, { value: 'large', label: 'Large' }, { value: 'xl', label: 'Extra large' }];
const sexes = [{ value: '', label: 'Not sure' }, { value: 'male', label: 'Male' }, { value: 'female', label: 'Female' }];

/** What the results part of the page shows after a search. */
export interface SearchOutcome { candidates: PublicCandidate[]; modelId: string; searched: number; unavailable: string[] }

/** The search form, and the results of the search just made when there are any. */
export function SearchPage(props: { ctx: PageContext; action: string; scope: string; form: FormState; message?: string; outcome?: SearchOutcome }) {
  const { ctx, form, outcome } = props;
  return (
    <Layout ctx={ctx} title="Lost and found">
      <h1>Lost or found a dog?</h1>
      <p>{`Upload one to three photos of the dog and we compare them with the dogs currently in the care of ${props.scope}. A match is only a resemblance: a person at the rescue checks before anyone is told it is the same dog.`}</p>
      <p>Your photos are stripped of location and camera data as soon as they arrive, used for this search, and deleted after a few days. Nothing you upload is shown to anyone.</p>
      {outcome && <Results outcome={outcome} />}
      <ErrorSummary form={form} message={props.message} labels={{ where: 'Where', when: 'When', size: 'Size', colour: 'Colour', sex: 'Sex' }} />
      <form method="post" action={props.action} enctype="multipart/form-data" class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <div>
          <label for="f-photos">Photos of the dog (1 to 3; JPEG, PNG, WebP or HEIC)</label>
          <input id="f-photos" name="photos" type="file" accept="image/jpeg,image/png,image/webp,image/heic,image/avif" multiple required />
        </div>
        <fieldset>
          <legend>About the dog (optional)</legend>
          <Field form={form} name="where" label="Where (an approximate area, not an address)" />
          <Field form={form} name="when" label="When" type="date" />
          <Select form={form} name="size" label="Size" options={sizes} />
          <Field form={form} name="colour" label="Colour" />
          <Select form={form} name="sex" label="Sex" options={sexes} />
        </fieldset>
        <div><button type="submit">Search</button></div>
      </form>
    </Layout>
  );
}

function Results({ outcome }: { outcome: SearchOutcome }) {
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading">Dogs that look similar</h2>
      <p>{`Compared with ${outcome.searched} ${outcome.searched === 1 ? 'rescue' : 'rescues'} using the ${outcome.modelId} image comparison. Best resemblance first.`}</p>
      {outcome.unavailable.length > 0 && <div class="notice" role="status">{`Photo matching is unavailable at ${outcome.unavailable.join(', ')} right now, so their dogs were not compared.`}</div>}
      {outcome.candidates.length === 0 ? <p>No dog in care looks similar. Rescues add dogs every day: try again later, or contact your local rescues directly.</p> : (
        <ul class="cards">
          {outcome.candidates.map((c) => (
            <li key={c.contactUrl} class="card">
              <img src={c.photoUrl} alt={`A photo of ${c.dogName}`} width={320} loading="lazy" />
              <h3>{c.dogName}</h3>
              <p><strong>{gradeWords[c.grade].label}</strong>. {gradeWords[c.grade].advice}</p>
              <p>{'In the care of '}<a href={c.rescueUrl}>{c.rescueName}</a>{c.area ? ` (${c.area})` : ''}</p>
              <p><a href={c.contactUrl}>{`Ask ${c.rescueName} about ${c.dogName}`}</a></p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The message form about one candidate dog. */
export function ContactPage(props: { ctx: PageContext; dog: { name: string; photoKey: string }; form: FormState; message?: string }) {
  const { ctx, dog, form } = props;
  return (
    <Layout ctx={ctx} title={`Ask about ${dog.name}`}>
      <h1>{`Ask the rescue about ${dog.name}`}</h1>
      <p>Tell the rescue why you think this dog may be the one you lost or found. Your details are stored encrypted and only the rescue's team reads them.</p>
      <ErrorSummary form={form} message={props.message} labels={{ name: 'Your name', email: 'Email', phone: 'Phone', message: 'Message' }} />
      <form method="post" action={`${ctx.basePath}/lost-and-found/contact/${dog.photoKey}`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="name" label="Your name (required)" autocomplete="name" required />
        <Field form={form} name="email" label="Email (required)" type="email" autocomplete="email" required />
        <Field form={form} name="phone" label="Phone" type="tel" autocomplete="tel" />
        <div>
          <label for="f-message">Message (required)</label>
          <textarea id="f-message" name="message" rows={5} required aria-invalid={form.errors.message ? 'true' : undefined} aria-describedby={form.errors.message ? 'f-message-error' : undefined}>{form.values.message ?? ''}</textarea>
          {form.errors.message && <p class="field-error" id="f-message-error">{form.errors.message}</p>}
        </div>
        <div><button type="submit">Send message</button></div>
      </form>
    </Layout>
  );
}

/** After a message was sent. */
export function SentPage({ ctx, dogName }: { ctx: PageContext; dogName: string }) {
  return (
    <Layout ctx={ctx} title="Message sent">
      <h1>Message sent</h1>
      <p>{`Thank you. The rescue has your message about ${dogName} and will reply by email if they think it could be the same dog.`}</p>
      <p><a href={`${ctx.basePath}/lost-and-found`}>Back to lost and found</a></p>
    </Layout>
  );
}
