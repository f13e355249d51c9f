import path from 'node:path';
import type { BlobStore } from '../../platform/storage/index.js';
import { LocalBlobStore } from '../../platform/storage/index.js';
import type { TenantRequest } from '../../platform/http/scopes.js';

/** The variants a photo is served as, by URL name: `<size>.<ext>`. Originals have no name here. */
export const variantFiles = ['thumbnail.webp', 'thumbnail.jpg', 'medium.webp', 'medium.jpg', 'large.webp', 'large.jpg'] as const;
/** One servable variant's file name. */
export type VariantFile = (typeof variantFiles)[number];

/** Whether a URL segment names a servable variant. */
export function isVariantFile(name: unknown): name is VariantFile {
  return typeof name === 'string' && (variantFiles as readonly string[]).includes(name);
}

/** The content type a variant file is sent as. */
export function variantContentType(name: VariantFile): 'image/webp' | 'image/jpeg' {
  return name.endsWith('.webp') ? 'image/webp' : 'image/jpeg';
}

/** The request's rescue's blob store: one directory per tenant under the uploads directory. */
export function photoStoreOf(request: TenantRequest): BlobStore {
  return photoStoreFor(request.server.kona.ctx.config.uploadsDir, request.tenant.slug);
}

/** A rescue's blob store outside a request (the demo seed): `<uploadsDir>/<slug>`. */
export function photoStoreFor(uploadsDir: string, slug: string): BlobStore {
  return new LocalBlobStore(path.join(uploadsDir, slug));
}

/** Largest upload accepted, in bytes (KONA_UPLOAD_MAX_MB). */
export function uploadMaxBytes(request: TenantRequest): number {
  return request.server.kona.ctx.config.settings.KONA_UPLOAD_MAX_MB * 1024 * 1024;
}
