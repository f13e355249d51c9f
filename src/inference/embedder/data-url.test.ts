import { describe, expect, it } from 'vitest';
import { embeddingInputs } from '../openai.js';
import { decodeDataUrl, ImageInputError, sniffImageType, toDataUrl } from './data-url.js';

describe('image data URLs', () => {
  it('round-trips bytes, typed by their signature', () => {
    const png = Buffer.from('\x89PNG\r\n\x1a\nrest', 'latin1');
    expect(toDataUrl(png)).toMatch(/^data:image\/png;base64,/);
    expect(decodeDataUrl(toDataUrl(png))).toEqual(png);
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffImageType(Buffer.from('hello'))).toBe('application/octet-stream');
    expect(decodeDataUrl('data:image/jpeg;name=a.jpg;base64,aGVs\nbG8=')).toEqual(Buffer.from('hello'));
  });

  it.each([
    ['https://example.com/a.jpg', /fetches no remote URLs/],
    ['data:image/png,rawtext', /base64 data URL/],
    ['data:image/png;base64,', /no valid base64/],
    ['data:image/png;base64,a$b=', /no valid base64/],
    ['data:image/png;base64,abcde', /no valid base64/],
  ])('refuses %s with a message that quotes none of it', (url, message) => {
    expect(() => decodeDataUrl(url)).toThrow(ImageInputError);
    expect(() => decodeDataUrl(url)).toThrow(message);
  });

  it('refuses an image over the limit before decoding it', () => {
    const err = (() => { try { decodeDataUrl(`data:image/png;base64,${'A'.repeat(4000)}`, 1000); } catch (e) { return e; } })();
    expect(err).toMatchObject({ code: 'image_too_large', message: 'an image is larger than 1000 bytes' });
  });

  it('reads an embeddings request\'s inputs: text, data-URL strings and image parts, in order', () => {
    expect(embeddingInputs({ input: ['a dog', 'data:image/png;base64,AAAA', { type: 'image_url', image_url: { url: 'data:x' } }] })).toEqual([
      { kind: 'text', text: 'a dog' }, { kind: 'image', url: 'data:image/png;base64,AAAA' }, { kind: 'image', url: 'data:x' },
    ]);
    expect(embeddingInputs({ input: 'one' })).toEqual([{ kind: 'text', text: 'one' }]);
  });
});
