import { z } from 'zod';
import { maxTemplateLength } from './contracts.template.js';

/** Largest drawn signature accepted (PNG bytes). */
export const maxSignatureBytes = 200 * 1024;

const pngMagic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const dataUrl = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;

/** The admin's contract template form. */
export const templateFormSchema = z.object({
  body: z.string().trim().min(1, 'write the contract text').max(maxTemplateLength, `must be at most ${maxTemplateLength} characters`),
});

/** An application id in the URL. */
export const applicationParamsSchema = z.object({ id: z.uuid() });

/** A signing link's token in the URL: the 43-character base64url of 32 random bytes. */
export const tokenParamsSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

// The canvas posts a PNG data URL; without JavaScript the field is empty and the typed name signs.
const drawnSignature = z
  .string()
  .default('')
  .transform((value, ctx) => {
    if (value.trim() === '') return null;
    const match = dataUrl.exec(value.trim());
    const bytes = match ? Buffer.from(match[1]!, 'base64') : undefined;
    if (!bytes || bytes.length < pngMagic.length || !bytes.subarray(0, 8).equals(pngMagic)) {
      ctx.addIssue({ code: 'custom', message: 'the drawn signature could not be read: clear it and draw again, or sign with your typed name alone' });
      return z.NEVER;
    }
    // The header's size is checked before anything decodes it: a tiny file can claim a huge image.
    if (bytes.length < 24 || bytes.readUInt32BE(16) > 2000 || bytes.readUInt32BE(20) > 1000) {
      ctx.addIssue({ code: 'custom', message: 'the drawn signature is larger than 2000 × 1000 pixels: clear it and draw again' });
      return z.NEVER;
    }
    if (bytes.length > maxSignatureBytes) {
      ctx.addIssue({ code: 'custom', message: 'the drawn signature is too large: clear it and draw a simpler one' });
      return z.NEVER;
    }
    return bytes;
  });

/** The adopter's signing form: their full name, "I agree", and optionally a drawn signature. */
export const signFormSchema = z.object({
  typed_name: z.string().trim().min(2, 'type your full name as it appears in the contract').max(200, 'must be at most 200 characters'),
  agree: z.literal('yes', { message: 'tick the box to confirm that you have read and agree to the contract' }),
  signature: drawnSignature,
});

/** A signing form as the service takes it. */
export type SignInput = z.output<typeof signFormSchema>;
