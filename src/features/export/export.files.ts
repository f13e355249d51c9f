import { sql, type Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { sniffImageType, type ImageType } from '../../platform/images/index.js';
import type { BlobStore } from '../../platform/storage/index.js';
import type { ExportDataset, ExportPage } from './export.dataset.js';

type Db = Kysely<TenantSchema>;

const iso = (value: Date | null) => (value ? value.toISOString() : null);
const extensions: Record<ImageType, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', heif: 'heic' };
const documentExtensions = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;

// Kona keeps no name or type for an original photo, only its bytes: the extension comes from the
// first bytes, as the upload was judged. A missing blob keeps its place ("bin") and the writer lists it as missing.
async function originalExtension(store: BlobStore, key: string): Promise<string> {
  const blob = await store.get(key);
  if (!blob) return 'bin';
  for await (const chunk of blob.stream as AsyncIterable<Buffer>) {
    blob.stream.destroy();
    const type = sniffImageType(chunk);
    return type ? extensions[type] : 'bin';
  }
  return 'bin';
}

function selectPhotos(db: Db, page: ExportPage) {
  return db
    .selectFrom('dog_photos')
    .innerJoin('dogs', 'dogs.id', 'dog_photos.dog_id')
    .select(['dog_photos.id', 'dog_photos.dog_id', 'dogs.name as dog_name', 'dog_photos.sha256', 'dog_photos.width', 'dog_photos.height', 'dog_photos.alt_text', 'dog_photos.status',
      'dog_photos.is_primary', 'dog_photos.position', 'dog_photos.uploaded_by', 'dog_photos.approved_by', 'dog_photos.created_at'])
    .orderBy('dog_photos.created_at')
    .orderBy('dog_photos.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type PhotoRow = Awaited<ReturnType<typeof selectPhotos>>[number] & { file: string };

/** Every photo: its original as uploaded (camera metadata included) and its alt text and status. */
export const photosDataset: ExportDataset<PhotoRow> = {
  name: 'photos',
  title: 'Photos',
  description: 'Every photo of every dog, with alt text and approval status; the originals as uploaded are under files/photos/.',
  personal: true,
  load: async ({ db, stores }, page) => {
    const rows = await selectPhotos(db, page);
    return Promise.all(rows.map(async (r) => ({ ...r, file: `files/photos/${r.id}.${await originalExtension(stores.uploads, r.sha256)}` })));
  },
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'dog_name', value: (r) => r.dog_name },
    { header: 'file', value: (r) => r.file },
    { header: 'alt_text', value: (r) => r.alt_text },
    { header: 'status', value: (r) => r.status },
    { header: 'is_primary', value: (r) => r.is_primary },
    { header: 'position', value: (r) => r.position },
    { header: 'width', value: (r) => r.width },
    { header: 'height', value: (r) => r.height },
    { header: 'sha256', value: (r) => r.sha256 },
    { header: 'uploaded_by_staff_id', value: (r) => r.uploaded_by },
    { header: 'approved_by_staff_id', value: (r) => r.approved_by },
    { header: 'created_at', value: (r) => iso(r.created_at) },
  ],
  attachments: (r) => [{ path: r.file, store: 'uploads', key: r.sha256 }],
};

function selectDocuments(db: Db, page: ExportPage) {
  return db
    .selectFrom('medical_documents')
    .innerJoin('dogs', 'dogs.id', 'medical_documents.dog_id')
    .select(['medical_documents.id', 'medical_documents.dog_id', 'dogs.name as dog_name', 'medical_documents.title', 'medical_documents.original_name', 'medical_documents.content_type',
      'medical_documents.size_bytes', 'medical_documents.sha256', 'medical_documents.vaccination_id', 'medical_documents.treatment_id', 'medical_documents.visit_id',
      'medical_documents.uploaded_by', 'medical_documents.created_at'])
    .orderBy('medical_documents.created_at')
    .orderBy('medical_documents.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type DocumentRow = Awaited<ReturnType<typeof selectDocuments>>[number];
const documentFile = (r: DocumentRow) => `files/medical-documents/${r.id}.${documentExtensions[r.content_type]}`;

/** Every medical document (vet records, lab results) with the file itself. */
export const medicalDocumentsDataset: ExportDataset<DocumentRow> = {
  name: 'medical-documents',
  title: 'Medical documents',
  description: 'Medical: vet records and other documents, with what they belong to; the files are under files/medical-documents/.',
  load: ({ db }, page) => selectDocuments(db, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'dog_name', value: (r) => r.dog_name },
    { header: 'file', value: documentFile },
    { header: 'title', value: (r) => r.title },
    { header: 'original_name', value: (r) => r.original_name },
    { header: 'content_type', value: (r) => r.content_type },
    { header: 'size_bytes', value: (r) => r.size_bytes },
    { header: 'sha256', value: (r) => r.sha256 },
    { header: 'vaccination_id', value: (r) => r.vaccination_id },
    { header: 'treatment_id', value: (r) => r.treatment_id },
    { header: 'vet_visit_id', value: (r) => r.visit_id },
    { header: 'uploaded_by_staff_id', value: (r) => r.uploaded_by },
    { header: 'created_at', value: (r) => iso(r.created_at) },
  ],
  attachments: (r) => [{ path: documentFile(r), store: 'uploads', key: r.sha256 }],
};

function selectDoses(db: Db, page: ExportPage) {
  return db
    .selectFrom('treatment_doses')
    .innerJoin('treatments', 'treatments.id', 'treatment_doses.treatment_id')
    .select(['treatment_doses.id', 'treatment_doses.treatment_id', 'treatments.name as treatment_name', 'treatment_doses.dog_id', 'treatment_doses.given_by', 'treatment_doses.created_at',
      sql<string>`to_char(treatment_doses.given_on, 'YYYY-MM-DD')`.as('given_on')])
    .orderBy('treatment_doses.given_on')
    .orderBy('treatment_doses.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
type DoseRow = Awaited<ReturnType<typeof selectDoses>>[number];

/** Every dose of a treatment given. */
export const dosesDataset: ExportDataset<DoseRow> = {
  name: 'treatment-doses',
  title: 'Treatment doses',
  description: 'Medical: each dose of a treatment given, when and by whom.',
  load: ({ db }, page) => selectDoses(db, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'treatment_id', value: (r) => r.treatment_id },
    { header: 'treatment_name', value: (r) => r.treatment_name },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'given_on', value: (r) => r.given_on },
    { header: 'given_by_staff_id', value: (r) => r.given_by },
    { header: 'created_at', value: (r) => iso(r.created_at) },
  ],
};
