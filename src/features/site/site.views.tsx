import type { PublicDog } from '../dogs/dogs.public.js';
import { useRescueLocale } from '../../platform/http/views/time.js';
import { ageBandChoices, energyChoices, labelOf, sizeChoices, tristateChoices } from '../dogs/dogs.public.js';
import type { PublicPhoto } from '../photos/photos.public.js';
import { feeText, paragraphs, photoPath, publicAge, sexLabel, sizeLabel, type ListingQuery } from './site.service.js';

/** Width and height of a photo's variant (longest edge at most `edge`, never enlarged). */
function fitted(photo: PublicPhoto, edge: number): { width: number; height: number } {
  const scale = Math.min(1, edge / Math.max(photo.width, photo.height));
  return { width: Math.round(photo.width * scale), height: Math.round(photo.height * scale) };
}

/** A photo as WebP with a JPEG fallback, lazily loaded. */
export function Photo(props: { basePath: string; photo: PublicPhoto; size: 'medium' | 'large'; eager?: boolean }) {
  const { photo, basePath } = props;
  const { width, height } = fitted(photo, props.size === 'medium' ? 800 : 1600);
  return (
    <picture>
      <source type="image/webp" srcset={`${basePath}${photoPath(photo.sha256, `${props.size}.webp`)}`} />
      <img src={`${basePath}${photoPath(photo.sha256, `${props.size}.jpg`)}`} alt={photo.alt} width={width} height={height} loading={props.eager ? 'eager' : 'lazy'} decoding="async" />
    </picture>
  );
}

function Select(props: { name: string; label: string; value: string | undefined; options: { value: string; label: string }[] }) {
  return (
    <p>
      <label for={`f-${props.name}`}>{props.label}</label>{' '}
      <select id={`f-${props.name}`} name={props.name}>
        <option value="">Any</option>
        {props.options.map((o) => <option key={o.value} value={o.value} selected={o.value === props.value}>{o.label}</option>)}
      </select>
    </p>
  );
}

function Check(props: { name: string; label: string; checked: boolean }) {
  return (
    <p>
      <input type="checkbox" id={`f-${props.name}`} name={props.name} value="yes" checked={props.checked} />{' '}
      <label for={`f-${props.name}`}>{props.label}</label>
    </p>
  );
}

/** The listing's filter form: a plain GET form, no script needed. */
export function Filters(props: { basePath: string; query: ListingQuery }) {
  const q = props.query;
  return (
    <form method="get" action={`${props.basePath}/`} class="filters" aria-label="Filter dogs">
      <Select name="size" label="Size" value={q.size} options={sizeChoices} />
      <Select name="sex" label="Sex" value={q.sex} options={[{ value: 'female', label: 'Female' }, { value: 'male', label: 'Male' }]} />
      <Select name="age" label="Age" value={q.age} options={ageBandChoices} />
      <fieldset>
        <legend>Good with</legend>
        <Check name="good_with_dogs" label="Other dogs" checked={q.good_with_dogs === 'yes'} />
        <Check name="good_with_cats" label="Cats" checked={q.good_with_cats === 'yes'} />
        <Check name="good_with_children" label="Children" checked={q.good_with_children === 'yes'} />
      </fieldset>
      <p><button type="submit">Show dogs</button> <a href={`${props.basePath}/`}>Clear filters</a></p>
    </form>
  );
}

/** The adoptable dogs as cards. */
export function DogCards(props: { basePath: string; dogs: PublicDog[]; today: string; filtered: boolean }) {
  if (props.dogs.length === 0) {
    return <p>{props.filtered ? 'No dogs match these filters. Try fewer filters.' : 'No dogs are listed yet. Please check back soon.'}</p>;
  }
  return (
    <ul class="dog-cards">
      {props.dogs.map((dog) => (
        <li key={dog.id} class="dog-card">
          <a href={`${props.basePath}/dogs/${dog.id}`}>
            <Photo basePath={props.basePath} photo={dog.primary} size="medium" />
            <strong>{dog.name}</strong>
          </a>
          <p>{publicAge(dog, props.today)} · {sexLabel(dog)} · {sizeLabel(dog)}</p>
        </li>
      ))}
    </ul>
  );
}

/** One adoptable dog's public page. */
export function DogPage(props: { basePath: string; dog: PublicDog; partner?: PublicDog; today: string; rescueName: string }) {
  const { dog, basePath } = props;
  const locale = useRescueLocale();
  const rows: [string, string][] = [
    ['Age', publicAge(dog, props.today)],
    ['Sex', sexLabel(dog)],
    ['Size', labelOf(sizeChoices, dog.size)],
    ['Good with dogs', labelOf(tristateChoices, dog.goodWithDogs)],
    ['Good with cats', labelOf(tristateChoices, dog.goodWithCats)],
    ['Good with children', labelOf(tristateChoices, dog.goodWithChildren)],
    ['Energy', dog.energy ? labelOf(energyChoices, dog.energy) : 'Not known yet'],
    ['Adoption fee', feeText(dog.adoptionFeeCents, locale)],
  ];
  return (
    <article class="dog-page">
      <h1>{dog.name}</h1>
      <section aria-label="Photos" class="dog-photos">
        {dog.photos.map((p, i) => <Photo key={p.sha256} basePath={basePath} photo={p} size="large" eager={i === 0} />)}
      </section>
      <section aria-labelledby="about-heading">
        <h2 id="about-heading">About {dog.name}</h2>
        {paragraphs(dog.description).map((p, i) => <p key={i}>{p}</p>)}
      </section>
      <section aria-labelledby="facts-heading">
        <h2 id="facts-heading">Temperament and details</h2>
        <dl>{rows.map(([k, v]) => [<dt key={`t${k}`}>{k}</dt>, <dd key={`d${k}`}>{v}</dd>])}</dl>
        {props.partner && (
          <p>{dog.name} is bonded with <a href={`${basePath}/dogs/${props.partner.id}`}>{props.partner.name}</a> and will be adopted together.</p>
        )}
      </section>
      <section aria-labelledby="apply-heading">
        <h2 id="apply-heading">Apply to adopt</h2>
        <p><a href={`${basePath}/dogs/${dog.id}/apply`}>{`Apply to adopt ${dog.name}`}</a>: an online form; {props.rescueName} will reply by email.</p>
      </section>
      <p><a href={`${basePath}/`}>All dogs looking for a home</a></p>
    </article>
  );
}
