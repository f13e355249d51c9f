import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** One AES-256 key with its id. */
export interface KeyEntry {
  id: string;
  key: Buffer;
}

const idPattern = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Application-level encryption of PII columns: AES-256-GCM under a key ring. Ciphertexts carry
 * their key id (`v1:<id>:<iv>:<data+tag>`) so old rows stay readable after a new key is added.
 */
export class KeyRing {
  private readonly byId: Map<string, Buffer>;
  private readonly current: KeyEntry;

  constructor(keys: KeyEntry[], private readonly blindKey: Buffer) {
    if (keys.length === 0) throw new Error('The key ring needs at least one key');
    for (const k of keys) {
      if (!idPattern.test(k.id)) throw new Error(`Key id "${k.id}" must be 1-32 letters, digits, _ or -`);
      if (k.key.length !== 32) throw new Error(`Key "${k.id}" must be 32 bytes (base64 of 32 random bytes)`);
    }
    if (blindKey.length !== 32) throw new Error('The blind-index key must be 32 bytes');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.current = keys[keys.length - 1]!;
  }

  /** The id of the key that encrypts new data. */
  get currentKeyId(): string {
    return this.current.id;
  }

  /** Encrypts a string with the current key. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1:${this.current.id}:${iv.toString('base64')}:${data.toString('base64')}`;
  }

  /** Decrypts a value made by {@link encrypt} under any key still in the ring. */
  decrypt(ciphertext: string): string {
    const [version, id, ivText, dataText] = ciphertext.split(':');
    if (version !== 'v1' || !id || !ivText || !dataText) throw new Error('Not a Kona ciphertext');
    const key = this.byId.get(id);
    if (!key) throw new Error(`Ciphertext uses key "${id}", which is not in the key ring`);
    const data = Buffer.from(dataText, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  }

  /** Keyed hash for exact look-ups of an encrypted value (emails are normalised by the caller). */
  blindIndex(value: string): string {
    return createHmac('sha256', this.blindKey).update(value, 'utf8').digest('hex');
  }
}

/** Parses `id:base64,id:base64` into key entries, with messages that name the setting. */
export function parseKeyList(text: string, setting = 'KONA_ENCRYPTION_KEYS'): KeyEntry[] {
  return text.split(',').map((part) => {
    const [id, b64] = part.trim().split(':');
    if (!id || !b64) throw new Error(`${setting}: each entry must look like id:base64key`);
    return { id, key: Buffer.from(b64, 'base64') };
  });
}

/** Normalises an email address for hashing and comparison. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
