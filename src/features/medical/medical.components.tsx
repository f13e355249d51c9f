import type { ComponentChildren } from 'preact';
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import { TableWrap } from '../../platform/http/views/tables.js';

/** A captioned table of entries, or a line saying there are none yet. */
export function EntryTable(props: { id: string; caption: string; empty: string; head: string[]; count: number; children: ComponentChildren }) {
  if (props.count === 0) return <p>{props.empty}</p>;
  return (
    <TableWrap labelledBy={`${props.id}-caption`}>
      <table>
        <caption id={`${props.id}-caption`}>{props.caption}</caption>
        <thead><tr>{props.head.map((h) => <th scope="col" key={h}>{h}</th>)}</tr></thead>
        <tbody>{props.children}</tbody>
      </table>
    </TableWrap>
  );
}

/** The delete button of one entry, for entries made by mistake. */
export function DeleteEntry({ ctx, action, what }: { ctx: PageContext; action: string; what: string }) {
  return (
    <form method="post" action={action} class="inline">
      <Csrf token={ctx.csrfToken} />
      <button type="submit" class="secondary" aria-label={`Delete ${what}`}>Delete</button>
    </form>
  );
}

/** A date cell, or a dash when there is no date. */
export function Day({ value }: { value: string | null }) {
  return value ? <time datetime={value}>{value}</time> : <>—</>;
}
