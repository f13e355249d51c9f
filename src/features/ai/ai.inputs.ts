/**
 * Builds each feature's input from the records it reads, through the owning features' public faces:
 * the dog's public facts, its latest notes (fosters), its approved photos and their bytes (photos).
 */
import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import type { BlobStore } from '../../platform/storage/index.js';
import { getDog } from '../dogs/dogs.public.js';
import { latestNoteBodies } from '../fosters/fosters.public.js';
import { selectPhoto, selectPhotos, type PhotoRow } from '../photos/photos.public.js';
import type { AltTextInput } from './ai.alt-text.js';
import type { BioInput, BioTone } from './ai.bio.js';
import { dominantColours } from './ai.colours.js';
import { dogFactsOf } from './ai.facts.js';
import type { SocialInput } from './ai.social.js';

type Db = Kysely<TenantSchema>;

/** Where inputs are read from. */
export interface InputSources {
  db: Db;
  /** The rescue's blob store (photo bytes); without it photos go by their alt text only. */
  store?: BlobStore;
  today: string;
  /** Whether a vision model will see images (photo bytes are read only then). */
  vision: boolean;
}

async function bytesOf(store: BlobStore | undefined, photo: PhotoRow, variant: string): Promise<Buffer | undefined> {
  const key = photo.variants[variant];
  const blob = key && store ? await store.get(key) : undefined;
  if (!blob) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const dataUrl = (jpeg: Buffer) => `data:image/jpeg;base64,${jpeg.toString('base64')}`;

/** A bio's input: facts, the three latest notes, approved photos (at most four). */
export async function bioInputOf(src: InputSources, dogId: string, tone: BioTone): Promise<BioInput> {
  const dog = await getDog(src.db, dogId);
  const approved = (await selectPhotos(src.db, dogId)).filter((p) => p.status === 'approved').slice(0, 4);
  const photos = await Promise.all(approved.map(async (p) => {
    const jpeg = src.vision ? await bytesOf(src.store, p, 'medium.jpg') : undefined;
    return { alt: p.alt_text, ...(jpeg ? { image: dataUrl(jpeg) } : {}) };
  }));
  return { dog: dogFactsOf(dog, src.today), tone, notes: await latestNoteBodies(src.db, dogId, 3), photos };
}

/** Alt text's input for one approved photo of the dog. */
export async function altTextInputOf(src: InputSources, dogId: string, photoId: string): Promise<AltTextInput> {
  const dog = await getDog(src.db, dogId);
  const photo = await selectPhoto(src.db, dogId, photoId);
  if (!photo || photo.status !== 'approved') throw notFound('That approved photo');
  const thumb = await bytesOf(src.store, photo, 'thumbnail.jpg');
  const image = src.vision ? await bytesOf(src.store, photo, 'medium.jpg') : undefined;
  return { dog: dogFactsOf(dog, src.today), colours: thumb ? await dominantColours(thumb) : [], ...(image ? { image: dataUrl(image) } : {}) };
}

/** Social posts' input: public facts and the public description. */
export async function socialInputOf(src: InputSources, dogId: string): Promise<SocialInput> {
  const dog = await getDog(src.db, dogId);
  return { dog: dogFactsOf(dog, src.today), description: dog.public_description.trim().slice(0, 1500) };
}
