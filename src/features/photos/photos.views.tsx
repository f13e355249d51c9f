import { Fold } from '../../platform/http/views/fold.js';
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import { fitInside, variantSizes } from '../../platform/images/index.js';
import type { PhotoRow } from './photos.queries.js';
import type { UploadResult } from './photos.results.js';

/** What the photos section of a dog's page needs. */
export interface PhotosPanelProps {
  ctx: PageContext;
  dogId: string;
  dogName: string;
  photos: PhotoRow[];
  canUpload: boolean;
  canApprove: boolean;
  maxMb: number;
  uploadScript: string;
  results?: UploadResult[];
}

const statusText = { pending: 'Awaiting approval', approved: 'Approved', rejected: 'Rejected' } as const;

/** A photo's thumbnail from the hub's private route (any status), WebP with a JPEG fallback, drawn inside a `box`-pixel square. */
export function HubThumbnail({ basePath, sha256, alt, width, height, box = variantSizes.thumbnail }: { basePath: string; sha256: string; alt: string; width: number; height: number; box?: number }) {
  const size = fitInside(width, height, box);
  const base = `${basePath}/hub/photos/${sha256}`;
  return (
    <picture>
      <source type="image/webp" srcset={`${base}/thumbnail.webp`} />
      <img src={`${base}/thumbnail.jpg`} alt={alt} width={size.width} height={size.height} loading="lazy" />
    </picture>
  );
}

function PostButton({ ctx, action, label, fields = {} }: { ctx: PageContext; action: string; label: string; fields?: Record<string, string> }) {
  return (
    <form method="post" action={action} class="inline">
      <Csrf token={ctx.csrfToken} />
      {Object.entries(fields).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <button type="submit">{label}</button>
    </form>
  );
}

// A disclosure holding a confirmation box, so a stray click never deletes and no script is needed.
function DeletePhoto({ ctx, action, id, what }: { ctx: PageContext; action: string; id: string; what: string }) {
  return (
    <details class="inline">
      <summary>Delete…</summary>
      <form method="post" action={action} class="inline">
        <Csrf token={ctx.csrfToken} />
        <input id={`confirm-photo-${id}`} type="checkbox" name="confirm" value="yes" required />
        <label for={`confirm-photo-${id}`}>Yes, delete {what} for good</label>
        <button type="submit" class="secondary">Delete photo</button>
      </form>
    </details>
  );
}

function PhotoItem({ props, photo, index }: { props: PhotosPanelProps; photo: PhotoRow; index: number }) {
  const { ctx } = props;
  const base = `${ctx.basePath}/hub/dogs/${props.dogId}/photos/${photo.id}`;
  return (
    <li>
      <figure>
        <HubThumbnail basePath={ctx.basePath ?? ''} sha256={photo.sha256} alt={photo.alt_text || `Photo ${index + 1} of ${props.dogName}`} width={photo.width} height={photo.height} />
        <figcaption>{statusText[photo.status]}{photo.is_primary ? ' · Primary photo' : ''}{photo.alt_text ? ` · ${photo.alt_text}` : ' · No alt text yet'}</figcaption>
      </figure>
      {props.canApprove && photo.status !== 'approved' && <PostButton ctx={ctx} action={`${base}/approve`} label="Approve" />}
      {props.canApprove && photo.status !== 'rejected' && <PostButton ctx={ctx} action={`${base}/reject`} label="Reject" />}
      {props.canApprove && photo.status === 'approved' && !photo.is_primary && <PostButton ctx={ctx} action={`${base}/primary`} label="Make primary" />}
      {props.canApprove && index > 0 && <PostButton ctx={ctx} action={`${base}/move`} label="Move earlier" fields={{ direction: 'up' }} />}
      {props.canApprove && index < props.photos.length - 1 && <PostButton ctx={ctx} action={`${base}/move`} label="Move later" fields={{ direction: 'down' }} />}
      {props.canApprove && <DeletePhoto ctx={ctx} action={`${base}/delete`} id={photo.id} what={photo.alt_text || `photo ${index + 1} of ${props.dogName}`} />}
      {props.canUpload && (
        <form method="post" action={`${base}/alt`} class="inline">
          <Csrf token={ctx.csrfToken} />
          <label for={`alt-${photo.id}`}>Alt text</label>
          <input id={`alt-${photo.id}`} name="alt_text" maxLength={300} value={photo.alt_text} />
          <button type="submit">Save alt text</button>
        </form>
      )}
    </li>
  );
}

function UploadResults({ results }: { results: UploadResult[] }) {
  return (
    <div role="status">
      <h3>Upload results</h3>
      <ul class="upload-results">
        {results.map((r, i) => <li key={i} class={r.ok ? 'ok' : 'error'}><strong>{r.name}</strong>: {r.ok ? '' : 'not uploaded. '}{r.message}</li>)}
      </ul>
    </div>
  );
}

function UploadForm({ props }: { props: PhotosPanelProps }) {
  const { ctx } = props;
  return (
    <form method="post" action={`${ctx.basePath}/hub/dogs/${props.dogId}/photos`} enctype="multipart/form-data" class="stack" data-photo-upload>
      <Csrf token={ctx.csrfToken} />
      <label for="photo-files">Add photos</label>
      <input id="photo-files" type="file" name="photos" multiple accept="image/*" required aria-describedby="photo-files-hint" />
      <p id="photo-files-hint">JPEG, PNG, WebP or HEIC; up to {props.maxMb} MB each, 10 at a time. Location data is removed from every published copy.</p>
      <button type="submit">Upload photos</button>
    </form>
  );
}

/** The photos section of a dog's page: thumbnails with status and review buttons, and the upload form. */
export function PhotosPanel(props: PhotosPanelProps) {
  return (
    <section id="photos" aria-labelledby="photos-heading">
      <h2 id="photos-heading">Photos</h2>
      {props.results && <UploadResults results={props.results} />}
      {props.photos.length === 0 ? <p>No photos yet.</p> : (
        <ol class="photos">{props.photos.map((photo, i) => <PhotoItem key={photo.id} props={props} photo={photo} index={i} />)}</ol>
      )}
      {props.canUpload && (
        // Open again after a refused upload: the reasons sit above, the form is where to try again.
        <Fold summary="Upload new photos" open={props.results?.some((r) => !r.ok) ?? false}>
          <UploadForm props={props} />
        </Fold>
      )}
      {props.canUpload && <script src={props.uploadScript} defer />}
    </section>
  );
}
