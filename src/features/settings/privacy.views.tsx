import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import type { FormState } from '../../platform/http/views/forms.js';

const choices = [
  { value: 'no', label: 'Hidden from viewers (they see names, and that details are hidden)' },
  { value: 'yes', label: 'Shown to viewers' },
] as const;

/** The settings page's Privacy form: its own form and route, apart from the main settings. */
export function PrivacyForm({ ctx, form }: { ctx: PageContext; form: FormState }) {
  const error = form.errors.viewers_see_contact_details;
  const chosen = form.values.viewers_see_contact_details ?? 'no';
  return (
    <section aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">Privacy</h2>
      <form method="post" action={`${ctx.basePath}/hub/settings/privacy`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        {error && <div class="notice error" role="alert">The privacy setting was not saved: {error}.</div>}
        <fieldset aria-describedby={error ? 'f-viewers_see_contact_details-error' : 'f-viewers_see_contact_details-hint'}>
          <legend>Applicants' contact details (email, phone, address) for members with the viewer role</legend>
          <p class="hint" id="f-viewers_see_contact_details-hint">Admins and staff always see them. Off unless you choose otherwise.</p>
          {choices.map((c) => (
            <div key={c.value}>
              <input type="radio" id={`f-viewers_see_contact_details-${c.value}`} name="viewers_see_contact_details" value={c.value} checked={chosen === c.value} />{' '}
              <label for={`f-viewers_see_contact_details-${c.value}`}>{c.label}</label>
            </div>
          ))}
          {error && <p class="field-error" id="f-viewers_see_contact_details-error">{error}</p>}
        </fieldset>
        <div><button type="submit">Save privacy setting</button></div>
      </form>
    </section>
  );
}
