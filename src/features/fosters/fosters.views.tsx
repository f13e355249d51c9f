import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Notice } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { statusLabel } from '../dogs/dogs.public.js';
import type { FosterHome, FosteredDog } from './fosters.homes.js';
import { NoteForm } from './fosters.panel.js';

/** The hub's foster homes: each foster with the dogs in their care now. */
export function FosterHomesPage({ ctx, homes }: { ctx: PageContext; homes: FosterHome[] }) {
  const dogLink = (d: FosteredDog) => <li key={d.id}><a href={`${ctx.basePath}/hub/dogs/${d.id}`}>{d.name}</a> since <time datetime={d.since}>{d.since}</time></li>;
  return (
    <Layout ctx={ctx} title="Foster homes">
      <h1>Foster homes</h1>
      <p>Foster homes are members of the rescue with the role foster. Place a dog from its page.</p>
      {homes.length === 0 ? <p>No foster homes yet: invite one from the staff page with the role foster.</p> : (
        <TableWrap labelledBy="fosters-caption">
          <table>
            <caption id="fosters-caption">Foster homes and the dogs in their care</caption>
            <thead><tr><th scope="col">Foster</th><th scope="col">Email</th><th scope="col">Dogs in care</th></tr></thead>
            <tbody>
              {homes.map((f) => (
                <tr key={f.id}>
                  <th scope="row">{f.name}{f.active ? '' : ' (account disabled)'}</th>
                  <td>{f.email}</td>
                  <td>{f.dogs.length === 0 ? 'None now' : <ul>{f.dogs.map(dogLink)}</ul>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}

/** A foster's own page: the dogs in their care, each with a note form. */
export function MyDogsPage({ ctx, dogs, noteAdded }: { ctx: PageContext; dogs: FosteredDog[]; noteAdded: boolean }) {
  return (
    <Layout ctx={ctx} title="My dogs">
      <h1>My dogs</h1>
      {noteAdded && <Notice>The note was added to the dog's timeline.</Notice>}
      {dogs.length === 0 ? <p>No dogs are in your care right now.</p> : dogs.map((d) => (
        <section key={d.id} aria-labelledby={`dog-${d.id}`}>
          <h2 id={`dog-${d.id}`}><a href={`${ctx.basePath}/hub/dogs/${d.id}`}>{d.name}</a></h2>
          <p>{statusLabel(d.status)}, in your care since <time datetime={d.since}>{d.since}</time>.</p>
          <NoteForm ctx={ctx} dogId={d.id} dogName={d.name} back="my-dogs" />
        </section>
      ))}
    </Layout>
  );
}
