import { h, type JSX } from 'preact';
import type { StaffRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { viewersSeeContactDetails } from './privacy.js';
import { PrivacyForm } from './privacy.views.js';

const notices: Record<string, string> = {
  saved: 'The privacy setting was saved. Viewers see applicants\u2019 contact details as it now says.',
  unchanged: 'The privacy setting had not changed, so nothing was saved.',
};

/** The Privacy section of the settings page: the current choice, or what was sent with its error. */
export async function privacySection(request: StaffRequest, rejected?: FormState): Promise<JSX.Element> {
  const allow = await viewersSeeContactDetails(request.tenant.db.kysely);
  const form = rejected ?? { values: { viewers_see_contact_details: allow ? 'yes' : 'no' }, errors: {} };
  return h(PrivacyForm, { ctx: request.server.kona.page(request, 'hub'), form });
}

/** The notice the settings page shows after the Privacy form was sent (`?privacy=saved`). */
export function privacyNotice(query: unknown): string | undefined {
  const key = (query as { privacy?: unknown } | undefined)?.privacy;
  return typeof key === 'string' ? notices[key] : undefined;
}
