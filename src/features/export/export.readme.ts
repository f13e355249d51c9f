import type { ExportDataset } from './export.dataset.js';

/** What a README line needs to know of a dataset. */
type Listed = Pick<ExportDataset<unknown>, 'name' | 'title' | 'description' | 'json' | 'attachments'>;

/** The README.txt at the top of the zip: what each file is, how to read it, and that it holds personal data. */
export function readmeText(rescue: { name: string; slug: string }, exportedAt: Date, datasets: readonly Listed[]): string {
  const lines = [
    `Kona export of ${rescue.name} (${rescue.slug})`,
    `Made ${exportedAt.toISOString()}.`,
    '',
    'This archive holds personal data in clear: names, email addresses, phone numbers, home addresses,',
    "applicants' answers, signed contracts and photos with their camera metadata (GPS included).",
    'Keep it somewhere safe and delete it when you no longer need it.',
    '',
    'Layout',
    '  README.txt      this file',
    '  manifest.json   every other file in the archive with its size in bytes and its sha256,',
    '                  the number of rows of each table, and any stored file that could not be found',
    "  settings.json   the rescue's settings, application questions, decision emails and contract template",
    '  <table>.csv     one file per table: UTF-8 with a byte-order mark, a header row, CRLF line ends',
    '  <table>.json    for tables whose rows nest (an application\'s answers and history): a JSON array',
    '  files/          the binary files, byte for byte as Kona stored them, named by the id of their row',
    '',
    'In the CSV files a cell that a spreadsheet would run as a formula (one that starts with = + - @,',
    "a tab or a carriage return) begins with an apostrophe; the JSON files hold the values as they are.",
    'Lists in a CSV cell are joined with "; ". Times are UTC (ISO 8601); dates are YYYY-MM-DD.',
    'Columns ending in _id refer to the id column of another table; *_staff_id to staff.csv.',
    '',
    'Tables',
  ];
  for (const d of datasets) {
    const also = [d.json ? `${d.name}.json` : '', d.attachments ? `files/${d.name}/` : ''].filter(Boolean);
    lines.push(`  ${d.name}.csv${also.length ? ` (and ${also.join(', ')})` : ''}`, `      ${d.title}: ${d.description}`);
  }
  lines.push('');
  return lines.join('\r\n');
}
