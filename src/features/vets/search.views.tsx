import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Select, type FormState } from '../../platform/http/views/forms.js';
import type { MatchGrade } from '../matching/matching.public.js';
import type { MatchReason, VetCandidate } from './search.service.js';

/** How each photo grade reads: a resemblance to check, never a claim that it is the dog. */
export const photoGradeWords: Record<MatchGrade, string> = {
  strong: 'Photo looks very similar',
  possible: 'Photo looks somewhat similar',
  weak: 'Photo shows only a slight resemblance',
};

/** Why a candidate was shown, in words. */
export function reasonWords(r: MatchReason): string {
  return r.kind === 'microchip' ? 'Microchip matches' : r.kind === 'photo' ? photoGradeWords[r.grade] : 'Matches the details you gave';
}

const sexes = [{ value: '', label: 'Not sure' }, { value: 'male', label: 'Male' }, { value: 'female', label: 'Female' }];
const sexWords = { male: 'Male', female: 'Female', unknown: 'Sex not recorded' } as const;

/** What the results part of the page shows after a search. */
export interface VetSearchOutcome { candidates: VetCandidate[]; signals: string[]; searched: number; unavailable: number; modelId?: string }

/** The vet's search form, and the results of the search just made when there are any. */
export function VetSearchPage(props: { ctx: PageContext; form: FormState; message?: string; outcome?: VetSearchOutcome }) {
  const { ctx, form, outcome } = props;
  return (
    <Layout ctx={ctx} title="Find a dog">
      <h1>Find a rescue dog you are treating</h1>
      <p>Search the dogs currently in the care of the rescues that let verified vets find them. Give a microchip number, a photo, or a breed; sex, age and your clinic's area narrow or order the results. A photo is compared and then discarded: it is never stored.</p>
      {outcome && <Results outcome={outcome} />}
      <ErrorSummary form={form} message={props.message} labels={{ microchip: 'Microchip', breed: 'Breed', sex: 'Sex', age: 'Approximate age', area: 'Clinic area', form: 'Search' }} />
      <form method="post" action="/vet/search" enctype="multipart/form-data" class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="microchip" label="Microchip number" hint="9 to 15 digits. Only an exact match is shown." autocomplete="off" />
        <div>
          <label for="f-photo">A photo of the dog (optional; JPEG, PNG, WebP or HEIC)</label>
          <input id="f-photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp,image/heic,image/avif" />
        </div>
        <Field form={form} name="breed" label="Breed" hint="Any part of a breed name, like “collie”." />
        <Select form={form} name="sex" label="Sex" options={sexes} />
        <Field form={form} name="age" label="Approximate age in years" hint={'Like 3 or 0.5. Dogs within two years either side match.'} />
        <Field form={form} name="area" label="Clinic area" hint="Rescues in this area are listed first." />
        <div><button type="submit">Search</button></div>
      </form>
    </Layout>
  );
}

function ageWords(years: number | null): string {
  if (years === null) return 'Age not recorded';
  return years < 1 ? 'Under a year old' : `About ${years} ${years === 1 ? 'year' : 'years'} old`;
}

function Results({ outcome }: { outcome: VetSearchOutcome }) {
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading">Dogs that may be the one</h2>
      <p>{`Searched ${outcome.searched} ${outcome.searched === 1 ? 'rescue' : 'rescues'} by ${outcome.signals.join(', ')}${outcome.modelId ? ` (photos compared with ${outcome.modelId})` : ''}. A result is a lead to check with the rescue, not a confirmed identity.`}</p>
      {outcome.unavailable > 0 && <div class="notice" role="status">{`Photo matching was unavailable at ${outcome.unavailable} ${outcome.unavailable === 1 ? 'rescue' : 'rescues'}, so their dogs were not compared by photo.`}</div>}
      {outcome.candidates.length === 0 ? <p>No dog in care matches. Check the microchip number, or try a photo or a breed.</p> : (
        <ul class="cards">
          {outcome.candidates.map((c) => (
            <li key={c.ref} class="card">
              {c.photoUrl ? <img src={c.photoUrl} alt={`A photo of ${c.dogName}`} width={320} loading="lazy" /> : <p>No photo yet.</p>}
              <h3>{c.dogName}</h3>
              <p><strong>{c.reasons.map(reasonWords).join('; ')}</strong></p>
              <p>{[c.breeds.length ? c.breeds.join(', ') : 'Breed not recorded', sexWords[c.sex], ageWords(c.ageYears)].join(' · ')}</p>
              <p>{`In the care of ${c.rescueName}${c.rescueArea ? ` (${c.rescueArea})` : ''}`}</p>
              <p><a href={`/vet/requests/new?ref=${encodeURIComponent(c.ref)}`}>{`Ask ${c.rescueName} for access to ${c.dogName}'s medical record`}</a></p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
