import { z } from 'zod';

/** One recipient address. */
export const mailAddressSchema = z.email({ message: 'must be an email address' }).max(254, 'must be at most 254 characters');

/** At most this many files go with one message. */
export const maxMailAttachments = 5;

/** The files of one message together hold at most this many bytes (before encoding): mail servers refuse much more. */
export const maxMailAttachmentBytes = 5 * 1024 * 1024;

/** A file sent with a message: a one-line name without folders, a MIME type and the bytes. */
export const mailAttachmentSchema = z.object({
  filename: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters').regex(/^[^\r\n/\\]*$/, 'must be one line without folders'),
  contentType: z.string().regex(/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/i, 'must be a MIME type like application/pdf'),
  content: z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: 'must be bytes' }),
});

/** A file sent with a message. */
export type MailAttachment = z.infer<typeof mailAttachmentSchema>;

/** A message a feature asks Kona to send: one recipient, a one-line subject, a text body, optional HTML and files. */
export const mailMessageSchema = z.object({
  to: mailAddressSchema,
  subject: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(300, 'must be at most 300 characters')
    .regex(/^[^\r\n]*$/, 'must be one line'),
  text: z.string().min(1, 'is required').max(200_000, 'must be at most 200,000 characters'),
  html: z.string().max(500_000, 'must be at most 500,000 characters').optional(),
  attachments: z
    .array(mailAttachmentSchema)
    .max(maxMailAttachments, `must be at most ${maxMailAttachments} files`)
    .refine((files) => files.reduce((n, f) => n + f.content.byteLength, 0) <= maxMailAttachmentBytes, `must hold at most ${maxMailAttachmentBytes / 1024 / 1024} MiB together`)
    .optional(),
  /** The From display name ("Demo Rescue via Kona"); the address stays the configured one. */
  fromName: z
    .string()
    .trim()
    .min(1, 'is required when given')
    .max(200, 'must be at most 200 characters')
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must be one line without control characters')
    .optional(),
  /** Where replies go (the rescue's contact email). */
  replyTo: mailAddressSchema.optional(),
});

/** A validated message. */
export type MailMessage = z.infer<typeof mailMessageSchema>;

const sealed = z.string().regex(/^v1:/, 'must be encrypted with the key ring');

/**
 * The `mail.send` payload: the message's fields sealed with the key ring (the jobs table is not
 * encrypted), plus the date and reference that make every retry build the same message.
 */
export const sealedMailSchema = z.object({
  to: sealed,
  subject: sealed,
  text: sealed,
  html: sealed.optional(),
  /** Each file's name, type and bytes (base64) sealed apart. */
  attachments: z.array(z.object({ filename: sealed, contentType: sealed, content: sealed })).max(maxMailAttachments).optional(),
  fromName: sealed.optional(),
  replyTo: sealed.optional(),
  queuedAt: z.iso.datetime(),
  ref: z.string().regex(/^[a-f0-9]{32}$/, 'must be 32 hex digits'),
});

/** A sealed `mail.send` payload. */
export type SealedMail = z.infer<typeof sealedMailSchema>;
