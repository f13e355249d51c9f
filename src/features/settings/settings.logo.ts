/**
 * The rescue's logo: an uploaded JPEG, PNG or WebP made into small variants (the header's WebP and
 * PNG, and a 64-pixel PNG icon for /favicon.ico), upright and without any metadata. Only variants
 * are stored; the upload itself is never kept.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import sharp from 'sharp';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { iconFrom, type Icon } from '../../platform/http/icon.js';
import { ImageTooLargeError, inspectImage } from '../../platform/images/index.js';
import { LocalBlobStore, type BlobStore } from '../../platform/storage/index.js';
import { updateLogoVariants } from './settings.queries.js';

/** The logo's variants by URL name. */
export const logoFiles = { 'logo.webp': 'header.webp', 'logo.png': 'header.png' } as const;

/** Most bytes a logo upload may have. */
export const logoMaxBytes = 5 * 1024 * 1024;

/** Most pixels a logo may have. */
export const logoMaxPixels = 40_000_000;

const headerSize = 320;
const iconSize = 64;

/** Refuses a logo that is not a JPEG, PNG or WebP image (HEIC and anything else included). */
export function unsupportedLogo(): KonaError {
  return new KonaError('KONA_ERR_UNSUPPORTED_MEDIA_TYPE', 'The logo must be a JPEG, PNG or WebP image. Save it in one of those formats and upload it again.');
}

/** The logo's variants from the uploaded bytes (throws a 415-coded KonaError for anything else). */
export async function makeLogoVariants(bytes: Buffer): Promise<Record<'header.webp' | 'header.png' | 'icon.png', Buffer>> {
  const { type } = await inspectImage(bytes, logoMaxPixels).catch((err: unknown) => {
    throw err instanceof ImageTooLargeError ? err : unsupportedLogo();
  });
  if (type !== 'jpeg' && type !== 'png' && type !== 'webp') throw unsupportedLogo();
  // rotate() applies the EXIF orientation; sharp writes no metadata unless asked, so none is carried over.
  const upright = () => sharp(bytes, { limitInputPixels: logoMaxPixels }).rotate();
  const header = () => upright().resize(headerSize, headerSize, { fit: 'inside', withoutEnlargement: true });
  try {
    const [webp, png, icon] = await Promise.all([
      header().webp({ quality: 85 }).toBuffer(),
      header().png({ compressionLevel: 9 }).toBuffer(),
      upright().resize(iconSize, iconSize, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer(),
    ]);
    return { 'header.webp': webp, 'header.png': png, 'icon.png': icon };
  } catch {
    throw unsupportedLogo();
  }
}

/** A rescue's blob store (the one its photos use): `<uploadsDir>/<slug>`. */
export function logoStoreFor(uploadsDir: string, slug: string): BlobStore {
  return new LocalBlobStore(path.join(uploadsDir, slug));
}

/** Stores a new logo's variants and points the settings at them; audited. */
export async function saveLogo(db: Kysely<TenantSchema>, store: BlobStore, bytes: Buffer, actor: Actor, now: Date): Promise<void> {
  const variants = await makeLogoVariants(bytes);
  const keys: Record<string, string> = {};
  for (const [name, data] of Object.entries(variants)) keys[name] = (await store.putStream(Readable.from([data]), { maxBytes: logoMaxBytes })).sha256;
  // Old variants stay in the store: blobs are shared by content, and photos may hold the same bytes.
  await updateLogoVariants(db, keys, now);
  await recordAudit(db, { actor, action: 'settings.logo_updated', target: { type: 'rescue_settings', id: 'rescue' }, detail: { fields: ['logo'] } });
}

/** Removes the logo (the public pages and the icon fall back to the name and Kona's icon); audited. */
export async function removeLogo(db: Kysely<TenantSchema>, actor: Actor, now: Date): Promise<boolean> {
  const before = await updateLogoVariants(db, null, now);
  if (!before) return false;
  await recordAudit(db, { actor, action: 'settings.logo_removed', target: { type: 'rescue_settings', id: 'rescue' }, detail: { fields: ['logo'] } });
  return true;
}

/** The stored key of one logo variant, if the rescue has a logo. */
export async function logoKey(db: Kysely<TenantSchema>, variant: 'header.webp' | 'header.png' | 'icon.png'): Promise<string | undefined> {
  const row = await db.selectFrom('rescue_settings').select('logo_variants').executeTakeFirst();
  return row?.logo_variants?.[variant];
}

/** The rescue's icon for /favicon.ico: its logo's 64-pixel PNG, when it has a logo. */
export async function logoIcon(db: Kysely<TenantSchema>, store: BlobStore): Promise<Icon | undefined> {
  const key = await logoKey(db, 'icon.png');
  const blob = key ? await store.get(key) : undefined;
  if (!blob) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
  return iconFrom(Buffer.concat(chunks), 'image/png');
}
