import type { ComponentChildren } from 'preact';
import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, TextArea, type FormState } from '../../platform/http/views/forms.js';
import { EmbedSnippet } from '../site/embed.public.js';
import { sizeChoices } from '../dogs/dogs.public.js';
import { feeBands } from './settings.schema.js';
import { LogoForm } from './settings.logo.views.js';

/** The admin's rescue settings page. */
export function SettingsPage(props: {
  ctx: PageContext;
  form: FormState;
  notice?: string;
  /** Absolute URL of the public site, for the embed code. */
  siteUrl?: string;
  /** The logo's URL when the rescue has one. */
  logoUrl?: string;
  /** What was wrong with an uploaded logo. */
  logoError?: string;
  logoMaxMb: number;
  /** Sections with forms of their own (Privacy). */
  children?: ComponentChildren;
}) {
  const { ctx, form } = props;
  const sizeLabel = (band: string) => sizeChoices.find((c) => c.value === band)?.label ?? band;
  return (
    <Layout ctx={ctx} title="Settings">
      <h1>Rescue settings</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary form={form} />
      <p>These appear on the rescue's public pages and in the mail it sends.</p>
      <form method="post" action={`${ctx.basePath}/hub/settings`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <fieldset class="stack">
          <legend>The rescue</legend>
          <Field form={form} name="name" label="Rescue name" hint="1 to 200 characters. Mail to adopters comes from “name via Kona”." autocomplete="organization" required />
          <Field form={form} name="tagline" label="Tagline" hint="Optional, up to 300 characters: one line about the rescue." />
          <TextArea form={form} name="about" label="About the rescue" rows={6} hint="Optional, up to 5,000 characters. The home page shows it all; other public pages its first lines." />
          <Field form={form} name="accent_colour" label="Accent colour" hint="Written #rrggbb, like #2f6f4f. Used behind the public pages' header; the text on it is black or white, whichever reads better." />
        </fieldset>
        <fieldset class="stack">
          <legend>How people reach you</legend>
          <Field form={form} name="contact_email" label="Contact email" type="email" autocomplete="email" hint="Optional. Shown on the public pages, and replies to the rescue's mail go here." />
          <Field form={form} name="phone" label="Phone" type="tel" autocomplete="tel" hint="Optional." />
          <Field form={form} name="area" label="Address or area" hint="Optional, up to 200 characters: a town or region is enough." />
          <Field form={form} name="website" label="Website" type="url" hint="Optional, starting with https://" />
          <Field form={form} name="facebook" label="Facebook page" type="url" hint="Optional, starting with https://" />
          <Field form={form} name="instagram" label="Instagram" type="url" hint="Optional, starting with https://" />
          <Field form={form} name="other_social" label="Another social link" type="url" hint="Optional, starting with https://" />
        </fieldset>
        <fieldset class="stack">
          <legend>Dates and money</legend>
          <Field form={form} name="time_zone" label="Time zone" hint="Where the rescue is, like Europe/London or Pacific/Auckland: dates, times and “due today” follow it." required />
          <Field form={form} name="currency" label="Currency" hint="A three-letter code, like EUR, GBP or NZD." required />
          <Field form={form} name="locale" label="Language and region for dates and money" hint="Like en-GB, en-NZ or de-DE." required />
        </fieldset>
        <fieldset class="stack">
          <legend>Default adoption fee by size</legend>
          <p class="hint">Optional. A new dog's fee starts at its size's amount; staff can change it.</p>
          {feeBands.map((band) => <Field key={band} form={form} name={`fee_${band}`} label={`${sizeLabel(band)} dogs`} hint="An amount like 150 or 150.00." />)}
        </fieldset>
        <div><button type="submit">Save settings</button></div>
      </form>
      <LogoForm ctx={ctx} logoUrl={props.logoUrl} error={props.logoError} maxMb={props.logoMaxMb} />
      {props.children}
      {props.siteUrl && <EmbedSnippet siteUrl={props.siteUrl} />}
    </Layout>
  );
}
