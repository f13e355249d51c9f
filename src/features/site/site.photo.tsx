import { fitInside, variantSizes, type VariantName } from '../../platform/images/index.js';
import type { PublicPhoto } from '../photos/photos.public.js';
import { photoPath } from './site.service.js';

const names = Object.keys(variantSizes) as VariantName[];

/**
 * A `srcset` of a photo's stored variants in one format, each with its real width: a small original
 * has fewer distinct sizes (variants are never enlarged), so equal widths are listed once.
 */
export function srcsetOf(basePath: string, photo: PublicPhoto, ext: 'webp' | 'jpg'): string {
  const seen = new Set<number>();
  const parts: string[] = [];
  for (const name of names) {
    const { width } = fitInside(photo.width, photo.height, variantSizes[name]);
    if (seen.has(width)) continue;
    seen.add(width);
    parts.push(`${basePath}${photoPath(photo.sha256, `${name}.${ext}`)} ${width}w`);
  }
  return parts.join(', ');
}

/**
 * A photo as WebP with a JPEG fallback, the browser picking the variant for its width from `sizes`.
 * Width and height are set (the medium variant's) so the page does not jump while it loads; only
 * photos below the fold are lazy, and the first one on a page is fetched first.
 */
export function Photo(props: { basePath: string; photo: PublicPhoto; sizes: string; eager?: boolean; first?: boolean; class?: string }) {
  const { photo, basePath } = props;
  const { width, height } = fitInside(photo.width, photo.height, variantSizes.medium);
  return (
    <picture>
      <source type="image/webp" srcset={srcsetOf(basePath, photo, 'webp')} sizes={props.sizes} />
      <img
        src={`${basePath}${photoPath(photo.sha256, 'medium.jpg')}`}
        srcset={srcsetOf(basePath, photo, 'jpg')}
        sizes={props.sizes}
        alt={photo.alt}
        width={width}
        height={height}
        class={props.class}
        loading={props.eager ? 'eager' : 'lazy'}
        decoding={props.first ? undefined : 'async'}
        {...(props.first ? { fetchpriority: 'high' } : {})}
      />
    </picture>
  );
}
