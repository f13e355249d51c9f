import { Csrf, type PageContext } from '../../platform/http/views/layout.js';

/** The logo's upload form (multipart, its own form) and, with a logo, its preview and a remove button. */
export function LogoForm(props: { ctx: PageContext; logoUrl?: string; error?: string; maxMb: number }) {
  const { ctx } = props;
  return (
    <section aria-labelledby="logo-heading" class="stack">
      <h2 id="logo-heading">Logo</h2>
      {props.logoUrl && <p><img src={props.logoUrl} alt="The rescue's current logo" style="max-height: 80px; max-width: 240px;" /></p>}
      <form method="post" action={`${ctx.basePath}/hub/settings/logo`} enctype="multipart/form-data" class="stack">
        <Csrf token={ctx.csrfToken} />
        <div>
          <label for="f-logo">Logo image</label>
          <input id="f-logo" name="logo" type="file" accept="image/jpeg,image/png,image/webp" aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? 'f-logo-hint f-logo-error' : 'f-logo-hint'} />
          <p class="hint" id="f-logo-hint">{`JPEG, PNG or WebP, up to ${props.maxMb} MB. Shown in the public pages' header and as the site icon; its metadata is removed.`}</p>
          {props.error && <p class="field-error" id="f-logo-error" role="alert">{props.error}</p>}
        </div>
        <div><button type="submit">Upload logo</button></div>
      </form>
      {props.logoUrl && (
        <form method="post" action={`${ctx.basePath}/hub/settings/logo/remove`}>
          <Csrf token={ctx.csrfToken} />
          <button type="submit" class="secondary">Remove the logo</button>
        </form>
      )}
    </section>
  );
}
