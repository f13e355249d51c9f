import { exportContracts, type ExportedContract } from '../contracts/contracts.public.js';
import type { ExportDataset } from './export.dataset.js';

const iso = (value: Date | null) => (value ? value.toISOString() : null);
const pdfFile = (r: ExportedContract) => (r.pdfSha256 ? `files/contracts/${r.id}.pdf` : null);

/** Every adoption contract (superseded ones too): its text, the signature record and the signed PDF. */
export const contractsDataset: ExportDataset<ExportedContract> = {
  name: 'contracts',
  title: 'Adoption contracts',
  description: 'Every contract prepared for an application, with its text and how and when it was signed; the signed PDFs are under files/contracts/.',
  personal: true,
  load: ({ db, ring }, page) => exportContracts(db, ring, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'application_id', value: (r) => r.applicationId },
    { header: 'status', value: (r) => r.status },
    { header: 'file', value: pdfFile },
    { header: 'prepared_at', value: (r) => iso(r.preparedAt) },
    { header: 'prepared_by_staff_id', value: (r) => r.preparedBy },
    { header: 'expires_at', value: (r) => iso(r.expiresAt) },
    { header: 'superseded_at', value: (r) => iso(r.supersededAt) },
    { header: 'signed_at', value: (r) => iso(r.signedAt) },
    { header: 'signature_method', value: (r) => r.method },
    { header: 'signer_name', value: (r) => r.signerName },
    { header: 'signer_ip', value: (r) => r.signerIp },
    { header: 'signer_user_agent', value: (r) => r.signerUserAgent },
    { header: 'text_sha256', value: (r) => r.textSha256 },
    { header: 'pdf_sha256', value: (r) => r.pdfSha256 },
    { header: 'text', value: (r) => r.text },
  ],
  attachments: (r) => (r.pdfSha256 ? [{ path: `files/contracts/${r.id}.pdf`, store: 'contracts', key: r.pdfSha256 }] : []),
};
