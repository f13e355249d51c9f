import type { LightMyRequestResponse } from 'fastify';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { csrfFrom, type Browser, type TestApp } from '../../../test/harness/app.js';
import { multipartBody, type Part } from '../photos/photos.testing.js';

/** A real one-page PDF, made with pdf-lib. */
export async function samplePdf(text: string): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const page = pdf.addPage([300, 200]);
  page.drawText(text, { x: 20, y: 100, size: 12, font: await pdf.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await pdf.save());
}

/** The document form's file part. */
export const documentFile = (data: Buffer, filename: string, type = 'application/octet-stream'): Part => ({ name: 'document', filename, type, data });

/** Posts the document form as a browser sends it: CSRF, title and link first, then the file. */
export async function uploadDocument(t: TestApp, browser: Browser, slug: string, dogId: string, doc: Part, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  const token = csrfFrom((await browser.get(`/r/${slug}/hub/dogs/${dogId}/medical`)).body);
  const parts: Part[] = [{ name: '_csrf', value: token }, ...Object.entries(fields).map(([name, value]) => ({ name, value })), doc];
  const { payload, contentType } = multipartBody(parts);
  const cookie = Object.entries(browser.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
  return t.app.inject({ method: 'POST', url: `/r/${slug}/hub/dogs/${dogId}/documents`, payload, headers: { 'content-type': contentType, cookie } });
}
