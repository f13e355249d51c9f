import type { PublicDog } from '../dogs/dogs.public.js';
import { ageBandChoices, sizeChoices } from '../dogs/dogs.public.js';
import { filterCount, listingHref, publicAge, sexLabel, sizeLabel, summary, type ListingQuery } from './site.service.js';
import { Photo } from './site.photo.js';

/** How many cards load their photo at once: the first row on a wide screen; the rest wait until scrolled to. */
const eagerCards = 3;
/** A card's width: one column on a phone, two from 36rem, three from 56rem (main is at most 60rem wide). */
const cardSizes = '(min-width: 60rem) 19rem, (min-width: 56rem) 31vw, (min-width: 36rem) 47vw, calc(100vw - 2rem)';

function Select(props: { name: string; label: string; value: string | undefined; options: { value: string; label: string }[] }) {
  return (
    <div>
      <label for={`f-${props.name}`}>{props.label}</label>
      <select id={`f-${props.name}`} name={props.name}>
        <option value="">Any</option>
        {props.options.map((o) => <option key={o.value} value={o.value} selected={o.value === props.value}>{o.label}</option>)}
      </select>
    </div>
  );
}

function Check(props: { name: string; label: string; checked: boolean }) {
  return (
    <div class="check">
      <input type="checkbox" id={`f-${props.name}`} name={props.name} value="yes" checked={props.checked} />
      <label for={`f-${props.name}`}>{props.label}</label>
    </div>
  );
}

/**
 * The listing's filters: a plain GET form (no script) folded behind one button, so a phone's first
 * screen shows dogs; it stays open while filters are set, so what narrows the list is in view.
 */
export function Filters(props: { basePath: string; query: ListingQuery }) {
  const q = props.query;
  const set = filterCount(q);
  return (
    <details class="filters-fold" open={set > 0}>
      <summary>{set > 0 ? `Filter dogs (${set} set)` : 'Filter dogs'}</summary>
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
        <p class="filter-actions"><button type="submit">Show dogs</button> <a href={`${props.basePath}/`}>Clear filters</a></p>
      </form>
    </details>
  );
}

/** "Bonded with Rex — adopted together": half of a pair is never shown as available alone without it. */
export function BondedNote(props: { dog: PublicDog; partnerHref?: string }) {
  const { dog } = props;
  if (!dog.bondedWith) return null;
  const name = dog.bondedName ?? 'another dog';
  return (
    <p class="bonded">
      Bonded with {props.partnerHref ? <a href={props.partnerHref}>{name}</a> : name} — adopted together
    </p>
  );
}

function DogCard(props: { basePath: string; dog: PublicDog; today: string; index: number }) {
  const { dog, basePath } = props;
  const href = `${basePath}/dogs/${dog.id}`;
  return (
    <li class="dog-card">
      <Photo basePath={basePath} photo={dog.primary} sizes={cardSizes} eager={props.index < eagerCards} first={props.index === 0} />
      <div class="dog-card-body">
        <h3><a href={href}>{dog.name}</a></h3>
        <p class="dog-card-facts">{publicAge(dog, props.today)} · {sexLabel(dog)} · {sizeLabel(dog)}</p>
        {dog.breeds.length > 0 && <p class="dog-card-breed">{dog.breeds.join(', ')}</p>}
        <p class="dog-card-line">{summary(dog.description, 90)}</p>
        <BondedNote dog={dog} />
      </div>
    </li>
  );
}

/** The adoptable dogs as a grid of cards (one column on a phone, more as the width grows). */
export function DogCards(props: { basePath: string; dogs: PublicDog[]; today: string; filtered: boolean }) {
  if (props.dogs.length === 0) {
    return <p>{props.filtered ? 'No dogs match these filters. Try fewer filters.' : 'No dogs are listed yet. Please check back soon.'}</p>;
  }
  return (
    <ul class="dog-cards">
      {props.dogs.map((dog, i) => <DogCard key={dog.id} basePath={props.basePath} dog={dog} today={props.today} index={i} />)}
    </ul>
  );
}

/** Links to the previous and next page of the listing, keeping its filters. */
export function Pager(props: { basePath: string; query: ListingQuery; page: number; pages: number; total: number }) {
  if (props.pages <= 1) return null;
  const { page, pages } = props;
  return (
    <nav class="pager" aria-label="More dogs">
      {page > 1 && <a rel="prev" href={listingHref(props.basePath, props.query, page - 1)}>Previous dogs</a>}
      <span>{`Page ${page} of ${pages} (${props.total} dogs)`}</span>
      {page < pages && <a rel="next" href={listingHref(props.basePath, props.query, page + 1)}>More dogs</a>}
    </nav>
  );
}
