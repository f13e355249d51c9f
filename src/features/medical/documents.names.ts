// Bidirectional overrides and isolates can make "evil‮fdp.exe" read as "evil.exe.pdf".
// eslint-disable-next-line no-control-regex -- control characters are what it removes
const invisibleControls = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * An uploaded file's name made safe to show (never to store under): the last path segment only,
 * control and direction-override characters dropped, at most 120 characters.
 */
export function displayFileName(filename: string | undefined): string {
  const base = (filename ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(invisibleControls, '').trim();
  return clean === '.' || clean === '..' ? '' : clean.slice(0, 120);
}

/** A title from a file's display name: without its extension, or "Medical document". */
export function titleFromFileName(name: string): string {
  const stem = name.replace(/\.[A-Za-z0-9]{1,5}$/, '').trim();
  return (stem || 'Medical document').slice(0, 200);
}

/**
 * The name a document is downloaded as, made by Kona: an ASCII slug of its title and the start of
 * its id, with the extension of the type Kona stored (letters, digits, '-' and '.' only).
 */
export function downloadName(title: string, id: string, extension: string): string {
  const slug = title.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return `${slug || 'medical-document'}-${id.slice(0, 8)}.${extension}`;
}
