import type { ComponentChildren } from 'preact';

/**
 * The frame of a table that scrolls sideways on a narrow screen. It is a region named by the
 * table's caption (give the caption the id `labelledBy`) and takes focus, so keyboard users can
 * scroll it with the arrow keys even when the table holds no link or button.
 */
export function TableWrap({ labelledBy, children }: { labelledBy: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" role="region" aria-labelledby={labelledBy} tabIndex={0}>
      {children}
    </div>
  );
}

/** The URL of one page of a filtered list: the filters that are set, and the page when past the first. */
export function pageHref(base: string, filters: Record<string, string | undefined>, page: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (page > 1) params.set('page', String(page));
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

/** Previous and next links for a paged list, keeping its filters (works without JavaScript). */
export function Pager(props: { base: string; filters: Record<string, string | undefined>; page: number; pages: number; label: string }) {
  const { base, filters, page, pages } = props;
  if (pages <= 1) return null;
  return (
    <nav aria-label={props.label}>
      <ul>
        {page > 1 && <li><a href={pageHref(base, filters, page - 1)} rel="prev">Previous page</a></li>}
        <li aria-current="page">Page {page} of {pages}</li>
        {page < pages && <li><a href={pageHref(base, filters, page + 1)} rel="next">Next page</a></li>}
      </ul>
    </nav>
  );
}
