import { createHash } from 'node:crypto';
import type { PublicDog } from '../dogs/dogs.public.js';
import { photoPath, publicAge, sexLabel, sizeLabel } from './site.service.js';

// Small and self-contained: the page loads nothing but the photos. It is allowed by its hash in the
// Content-Security-Policy, so no other inline style or any script can run inside the frame.
const embedStyles = [
  'body{margin:0;font:15px/1.4 system-ui,sans-serif;color:#1d1d1f;background:#fff}',
  'h1{font-size:1rem;margin:.5rem}',
  'ul{list-style:none;margin:0;padding:.5rem;display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(160px,1fr))}',
  'li{border:1px solid #d0d0d7;border-radius:6px;overflow:hidden}',
  'a{color:#0b4f9c;text-decoration:none;display:block}',
  'a:hover strong,a:focus strong{text-decoration:underline}',
  'a:focus{outline:3px solid #0b4f9c;outline-offset:-3px}',
  'img{display:block;width:100%;height:auto;aspect-ratio:4/3;object-fit:cover;background:#eee}',
  'strong{display:block;padding:.4rem .5rem 0}',
  'p{margin:0;padding:0 .5rem .5rem;color:#444;font-size:.875rem}',
  '.more{padding:.5rem}',
].join('');

/** The hash under which the embed's stylesheet is allowed by its Content-Security-Policy. */
export const embedStyleHash = `'sha256-${createHash('sha256').update(embedStyles).digest('base64')}'`;

/**
 * The embed's policy: its own stylesheet (and the site's, for error pages), same-origin photos, no
 * script, and framing by any site. Only this route sends it; every other page stays unframeable.
 */
export const embedContentSecurityPolicy = `default-src 'none'; style-src 'self' ${embedStyleHash}; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *`;

function Document(props: { title: string; children: preact.ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <style dangerouslySetInnerHTML={{ __html: embedStyles }} />
      </head>
      <body><main>{props.children}</main></body>
    </html>
  );
}

/** One dog's card: links leave the frame (new tab) for the dog's page on Kona. */
function EmbedCard(props: { dog: PublicDog; today: string; pageUrl: string; photoUrl: (path: string) => string }) {
  const { dog } = props;
  return (
    <li>
      <a href={props.pageUrl} target="_blank" rel="noopener">
        <picture>
          <source type="image/webp" srcset={props.photoUrl(photoPath(dog.primary.sha256, 'thumbnail.webp'))} />
          <img src={props.photoUrl(photoPath(dog.primary.sha256, 'thumbnail.jpg'))} alt={dog.primary.alt} width={320} height={240} loading="lazy" decoding="async" />
        </picture>
        <strong>{dog.name}</strong>
      </a>
      <p>{publicAge(dog, props.today)} · {sexLabel(dog)} · {sizeLabel(dog)}</p>
      {dog.bondedWith && <p>{`Bonded with ${dog.bondedName ?? 'another dog'} — adopted together`}</p>}
    </li>
  );
}

/** The embeddable listing: the adoptable dogs and a link to the rescue's full site. */
export function EmbedListing(props: {
  rescueName: string; dogs: PublicDog[]; today: string; siteUrl: string; dogUrl: (id: string) => string; photoUrl: (path: string) => string;
}) {
  return (
    <Document title={`Dogs looking for a home with ${props.rescueName}`}>
      <h1>Dogs looking for a home with {props.rescueName}</h1>
      {props.dogs.length === 0 ? <p>No dogs are listed right now. Please check back soon.</p> : (
        <ul>{props.dogs.map((d) => <EmbedCard key={d.id} dog={d} today={props.today} pageUrl={props.dogUrl(d.id)} photoUrl={props.photoUrl} />)}</ul>
      )}
      <p class="more"><a href={props.siteUrl} target="_blank" rel="noopener">All dogs at {props.rescueName}</a></p>
    </Document>
  );
}

/** The embed's answer to a snippet with a bad parameter: what is wrong, inside the frame. */
export function EmbedProblem(props: { problems: string[] }) {
  return (
    <Document title="This listing could not be shown">
      <h1>This listing could not be shown</h1>
      <p>The embed code has a parameter Kona does not understand:</p>
      <ul>{props.problems.map((p) => <li key={p}>{p}</li>)}</ul>
    </Document>
  );
}
