import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Select } from '../../platform/http/views/forms.js';
import { Pager, TableWrap } from '../../platform/http/views/tables.js';
import { HubThumbnail } from '../photos/photos.public.js';
import type { DogListRow } from './dog-list.service.js';
import { ageBandChoices, labelOf, sexChoices, sizeChoices, statusChoices, whereaboutsChoices, whereaboutsText } from './dogs.fields.js';
import { isOpen } from './dogs.lifecycle.js';
import type { DogListQuery } from './dogs.schema.js';

/** The list page's data: one page of dogs and the query that found them. */
export interface DogListProps {
  ctx: PageContext;
  query: DogListQuery;
  dogs: DogListRow[];
  total: number;
  page: number;
  pages: number;
  canEdit: boolean;
  /** Foster homes to filter by. */
  fosters?: { id: string; name: string }[];
}

const statusFilter = [{ value: '', label: 'In care (not adopted or gone)' }, { value: 'all', label: 'All dogs' }, ...statusChoices];

function Filters({ ctx, query, fosters }: { ctx: PageContext; query: DogListQuery; fosters: { id: string; name: string }[] }) {
  const form = { values: { q: query.q, status: query.status, size: query.size, age: query.age, where: query.where, foster: query.foster }, errors: {} };
  return (
    <form method="get" action={`${ctx.basePath}/hub/dogs`} class="stack" role="search" aria-label="Find dogs">
      <div>
        <label for="f-q">Name or microchip</label>
        <input id="f-q" name="q" type="search" value={query.q} autocomplete="off" />
      </div>
      <Select form={form} name="status" label="Status" options={statusFilter} />
      <Select form={form} name="size" label="Size" options={[{ value: '', label: 'Any size' }, ...sizeChoices]} />
      <Select form={form} name="age" label="Age" options={[{ value: '', label: 'Any age' }, ...ageBandChoices]} />
      <Select form={form} name="where" label="Where" options={[{ value: '', label: 'Anywhere' }, ...whereaboutsChoices]} />
      {fosters.length > 0 && <Select form={form} name="foster" label="Foster home" options={[{ value: '', label: 'Any or none' }, ...fosters.map((f) => ({ value: f.id, label: f.name }))]} />}
      <div><button type="submit">Search</button> <a href={`${ctx.basePath}/hub/dogs`}>Clear</a></div>
    </form>
  );
}

function DogTable({ ctx, dogs }: { ctx: PageContext; dogs: DogListRow[] }) {
  return (
    <TableWrap labelledBy="dogs-caption">
      <table>
        <caption id="dogs-caption">Dogs found</caption>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Photo</th><th scope="col">Status</th><th scope="col">Sex</th><th scope="col">Age</th><th scope="col">Size</th><th scope="col">Breeds</th><th scope="col">Where</th></tr>
        </thead>
        <tbody>
          {dogs.map((d) => (
            <tr key={d.id}>
              <th scope="row"><a href={`${ctx.basePath}/hub/dogs/${d.id}`}>{d.name}</a></th>
              <td>{d.photo ? <HubThumbnail basePath={ctx.basePath ?? ''} sha256={d.photo.sha256} alt={d.photo.alt || `Photo of ${d.name}`} width={d.photo.width} height={d.photo.height} box={80} /> : '—'}</td>
              <td>{labelOf(statusChoices, d.status)}{d.onHold ? ' (on hold)' : ''}</td>
              <td>{labelOf(sexChoices, d.sex)}</td>
              <td>{d.age ?? 'Unknown'}</td>
              <td>{labelOf(sizeChoices, d.size)}</td>
              <td>{d.breeds.join(', ') || '—'}</td>
              <td>{whereaboutsText({ ...d, closed: !isOpen(d.status) })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The hub's dog list: search, filters, one page of results and paging links (works without JavaScript). */
export function DogListPage(props: DogListProps) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Dogs">
      <h1>Dogs</h1>
      {props.canEdit && <p><a class="button" href={`${ctx.basePath}/hub/dogs/new`}>Add a dog</a></p>}
      <Filters ctx={ctx} query={props.query} fosters={props.fosters ?? []} />
      <p role="status">{props.total === 0 ? 'No dogs match.' : `${props.total} ${props.total === 1 ? 'dog matches' : 'dogs match'}.`}</p>
      {props.dogs.length > 0 && <DogTable ctx={ctx} dogs={props.dogs} />}
      <Pager base={`${ctx.basePath}/hub/dogs`} filters={{ q: props.query.q, status: props.query.status, size: props.query.size, age: props.query.age, where: props.query.where, foster: props.query.foster }} page={props.page} pages={props.pages} label="Pages of dogs" />
    </Layout>
  );
}
