import { useRescueLocale } from '../../platform/http/views/time.js';
import type { PublicDog } from '../dogs/dogs.public.js';
import { energyChoices, labelOf, sizeChoices, tristateChoices } from '../dogs/dogs.public.js';
import { feeText, paragraphs, publicAge, sexLabel, weightText } from './site.service.js';
import { Photo } from './site.photo.js';
import { BondedNote } from './site.views.js';

/** A gallery photo's width: main's content box (60rem less its padding), the full width below that. */
const gallerySizes = '(min-width: 60rem) 58rem, calc(100vw - 2rem)';

function OtherDogs({ basePath }: { basePath: string }) {
  return <p><a href={`${basePath}/`}>See the other dogs looking for a home</a></p>;
}

/**
 * Every approved photo, side by side in a scroller that snaps to each (swipe on a phone, scroll or
 * arrow keys elsewhere: the region is focusable). Only the first is fetched before it is scrolled to.
 */
function Gallery({ basePath, dog }: { basePath: string; dog: PublicDog }) {
  const photos = [dog.primary, ...dog.photos.filter((p) => p !== dog.primary)];
  return (
    <section aria-label={`Photos of ${dog.name}`} class="gallery-wrap">
      <ul class="gallery" tabIndex={0} aria-label={`${photos.length} ${photos.length === 1 ? 'photo' : 'photos'} of ${dog.name}`}>
        {photos.map((p, i) => (
          <li key={p.sha256}><Photo basePath={basePath} photo={p} sizes={gallerySizes} eager={i === 0} first={i === 0} /></li>
        ))}
      </ul>
      {photos.length > 1 && <p class="hint">{`Swipe or scroll sideways for all ${photos.length} photos.`}</p>}
    </section>
  );
}

function ApplyButton({ basePath, dog, label }: { basePath: string; dog: PublicDog; label?: string }) {
  return <a class="button apply" href={`${basePath}/dogs/${dog.id}/apply`}>{label ?? `Apply to adopt ${dog.name}`}</a>;
}

/** One adoptable dog's public page: gallery, apply button, description, facts, fee and bonded partner. */
export function DogPage(props: { basePath: string; dog: PublicDog; partner?: PublicDog; today: string; rescueName: string }) {
  const { dog, basePath } = props;
  const rows: [string, string][] = [
    ['Breed', dog.breeds.length ? dog.breeds.join(', ') : 'Not known'],
    ['Age', publicAge(dog, props.today)],
    ['Sex', sexLabel(dog)],
    ['Size', labelOf(sizeChoices, dog.size)],
    ['Weight', weightText(dog.weightKg)],
    ['Good with dogs', labelOf(tristateChoices, dog.goodWithDogs)],
    ['Good with cats', labelOf(tristateChoices, dog.goodWithCats)],
    ['Good with children', labelOf(tristateChoices, dog.goodWithChildren)],
    ['Energy', dog.energy ? labelOf(energyChoices, dog.energy) : 'Not known yet'],
    ['Special needs', dog.specialNeeds.trim() || 'None known'],
  ];
  return (
    <article class="dog-page">
      <h1>{dog.name}</h1>
      <Gallery basePath={basePath} dog={dog} />
      <p class="fee">Adoption fee: <strong>{feeText(dog.adoptionFeeCents, useRescueLocale())}</strong></p>
      <BondedNote dog={dog} partnerHref={props.partner ? `${basePath}/dogs/${props.partner.id}` : undefined} />
      <p><ApplyButton basePath={basePath} dog={dog} /></p>
      <section aria-labelledby="about-heading">
        <h2 id="about-heading">About {dog.name}</h2>
        {paragraphs(dog.description).map((p, i) => <p key={i}>{p}</p>)}
      </section>
      <section aria-labelledby="facts-heading">
        <h2 id="facts-heading">Temperament and details</h2>
        <dl class="facts">{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
      </section>
      <section aria-labelledby="apply-heading">
        <h2 id="apply-heading">Apply to adopt</h2>
        <p>An online form that takes about ten minutes; {props.rescueName} will reply by email.</p>
        <p><ApplyButton basePath={basePath} dog={dog} label="Start the application form" /></p>
      </section>
      <OtherDogs basePath={basePath} />
    </article>
  );
}

/** A shared link to a dog whose adoption is under way: its name and photo, and the other dogs. */
export function PendingPage({ basePath, dog }: { basePath: string; dog: PublicDog }) {
  return (
    <article class="dog-page">
      <h1>{dog.name}: adoption pending</h1>
      <Photo basePath={basePath} photo={dog.primary} sizes={gallerySizes} eager first class="single" />
      <p class="notice">{`${dog.name}'s adoption is pending: a family has been chosen and the adoption is being completed, so we are not taking new applications for ${dog.name}.`}</p>
      <OtherDogs basePath={basePath} />
    </article>
  );
}

/** A shared link to an adopted dog: a happy ending, with its name and one photo and nothing of its adopter. */
export function HappyEndingPage({ basePath, dog }: { basePath: string; dog: PublicDog }) {
  return (
    <article class="dog-page">
      <h1>{`${dog.name} has found a home`}</h1>
      <Photo basePath={basePath} photo={dog.primary} sizes={gallerySizes} eager first class="single" />
      <p>{`${dog.name} has been adopted. Thank you to everyone who shared ${dog.name}'s page and helped find the right family.`}</p>
      <OtherDogs basePath={basePath} />
    </article>
  );
}

/** A link to a dog that is not listed (now or any more): says so plainly, names nothing, points to the others. */
export function NotListedPage({ basePath }: { basePath: string }) {
  return (
    <article>
      <h1>This dog is no longer listed</h1>
      <p>The dog at this link is not looking for a home through our site right now. Many other dogs are.</p>
      <OtherDogs basePath={basePath} />
    </article>
  );
}
