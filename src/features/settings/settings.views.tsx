import type { ComponentChildren } from 'preact';
import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, type FormState } from '../../platform/http/views/forms.js';
import { EmbedSnippet } from '../site/embed.public.js';

/** The admin's rescue settings page. */
export function SettingsPage(props: { ctx: PageContext; form: FormState; notice?: string; /** Absolute URL of the public site, for the embed code. */ siteUrl?: string; /** Sections with forms of their own (Privacy). */ children?: ComponentChildren }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Settings">
      <h1>Rescue settings</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary form={form} />
      <p>These appear on the rescue's public home page.</p>
      <form method="post" action={`${ctx.basePath}/hub/settings`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="name" label="Rescue name" hint="1 to 200 characters." autocomplete="organization" required />
        <Field form={form} name="tagline" label="Tagline" hint="Optional, up to 300 characters: one line about the rescue." />
        <div><button type="submit">Save settings</button></div>
      </form>
      {props.children}
      {props.siteUrl && <EmbedSnippet siteUrl={props.siteUrl} />}
    </Layout>
  );
}
