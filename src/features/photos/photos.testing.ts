import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

/** One part of a hand-built multipart body: a field or a file. */
export type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };

/** A multipart/form-data body built by hand, as a browser sends it, with its content-type header. */
export function multipartBody(parts: Part[]): { payload: Buffer; contentType: string } {
  const boundary = `----kona${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const head = 'filename' in part
      ? `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type}\r\n`
      : `Content-Disposition: form-data; name="${part.name}"\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`));
    chunks.push('filename' in part ? part.data : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Puts a dog on the public site (available, not on hold, with a public description), as staff would
 * through its form: a photo's public URL answers only while its dog is shown publicly.
 */
export async function showDogPublicly(db: Kysely<TenantSchema>, dogId: string): Promise<void> {
  await db.updateTable('dogs').set({ status: 'available', on_hold: false, public_description: 'A lovely dog looking for a home.' }).where('id', '=', dogId).execute();
}
