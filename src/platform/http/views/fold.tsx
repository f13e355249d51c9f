import type { ComponentChildren } from 'preact';

/**
 * An add-form folded away behind a button-like summary until the person asks for it, so a long
 * dog or medical page shows its records first. A native <details>: it opens without script, and
 * keyboard and screen readers know it. `open` when the form is re-shown (with errors, or with what
 * was typed), so nothing typed is hidden or lost.
 */
export function Fold({ summary, open = false, children }: { summary: string; open?: boolean; children: ComponentChildren }) {
  return (
    <details class="fold" open={open}>
      <summary>{summary}</summary>
      {children}
    </details>
  );
}
