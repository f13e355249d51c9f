import type { FastifyRequest } from 'fastify';
import { can } from '../../platform/http/permissions.js';
import type { PageContext } from '../../platform/http/views/layout.js';
import type { PhotoRow } from './photos.queries.js';
import type { UploadResult } from './photos.receive.js';
import type { PhotosPanelProps } from './photos.views.js';

/** The photos section's props for this request: what the person may do, the limit, the upload script. */
export function photosPanelPropsOf(request: FastifyRequest, ctx: PageContext, dog: { id: string; name: string }, photos: PhotoRow[], results?: UploadResult[]): PhotosPanelProps {
  const role = request.actor?.kind === 'staff' ? request.actor.role : undefined;
  const { kona } = request.server;
  return {
    ctx,
    dogId: dog.id,
    dogName: dog.name,
    photos,
    canUpload: !!role && can(role, 'photos.upload'),
    canApprove: !!role && can(role, 'photos.approve'),
    maxMb: kona.ctx.config.settings.KONA_UPLOAD_MAX_MB,
    uploadScript: kona.assets.url('upload.js'),
    results,
  };
}
