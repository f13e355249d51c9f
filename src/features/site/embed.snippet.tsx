/** The HTML a rescue pastes into its own website to show its adoptable dogs. */
export function embedSnippet(siteUrl: string): string {
  const src = `${siteUrl.replace(/\/$/, '')}/embed`;
  return `<iframe src="${src}" title="Dogs looking for a home" width="100%" height="600" style="border:0" loading="lazy"></iframe>`;
}

/** Where staff find the embed code and the JSON feed of their adoptable dogs. */
export function EmbedSnippet(props: { siteUrl: string }) {
  const base = props.siteUrl.replace(/\/$/, '');
  return (
    <section aria-labelledby="embed-heading">
      <h2 id="embed-heading">Show your dogs on your own website</h2>
      <p>Paste this code into a page of your website. It shows the dogs on your public site, always up to date, and each dog links to its page here.</p>
      <p><label for="embed-code">Embed code</label></p>
      <textarea id="embed-code" readOnly rows={3} cols={80} value={embedSnippet(base)} />
      <p>
        Narrow it with the listing's filters and a limit, for example <code>{`${base}/embed?size=small&limit=6`}</code>
        {' '}(<code>size</code>, <code>sex</code>, <code>age</code>, <code>good_with_dogs</code>, <code>good_with_cats</code>, <code>good_with_children</code>, <code>limit</code> up to 100).
      </p>
      <p>For your own code, the same dogs are published as a JSON feed: <a href={`${base}/dogs.json`}>{`${base}/dogs.json`}</a>.</p>
    </section>
  );
}
