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
