import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, type FormState } from '../../platform/http/views/forms.js';
import { TreatmentFields, VaccinationFields, VisitFields } from './medical.formfields.js';
import type { MedicalKind } from './medical.service.js';

const words: Record<MedicalKind, { title: string; path: string }> = {
  vaccination: { title: 'Edit vaccination', path: 'vaccinations' },
  treatment: { title: 'Edit treatment or medication', path: 'treatments' },
  visit: { title: 'Edit vet visit', path: 'visits' },
};

const fields: Record<MedicalKind, (props: { form: FormState }) => preact.JSX.Element> = { vaccination: VaccinationFields, treatment: TreatmentFields, visit: VisitFields };

/** The edit page of one vaccination, treatment or vet visit, prefilled, or with what was typed after a refusal. */
export function MedicalEditPage({ ctx, dog, kind, entryId, form }: { ctx: PageContext; dog: { id: string; name: string }; kind: MedicalKind; entryId: string; form: FormState }) {
  const Fields = fields[kind];
  const dogBase = `${ctx.basePath}/hub/dogs/${dog.id}`;
  return (
    <Layout ctx={ctx} title={`${dog.name}: ${words[kind].title.toLowerCase()}`}>
      <p><a href={`${dogBase}/medical`}>Back to {dog.name}'s medical record</a></p>
      <h1>{words[kind].title} for {dog.name}</h1>
      <ErrorSummary form={form} />
      <form method="post" action={`${dogBase}/${words[kind].path}/${entryId}/edit`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Fields form={form} />
        <div><button type="submit">Save changes</button> <a href={`${dogBase}/medical`}>Cancel</a></div>
      </form>
    </Layout>
  );
}
