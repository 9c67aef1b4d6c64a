import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyRing } from '../../ports/key-ring.ts';

const VERSION = 'v1';

/** AES-256-GCM and HMAC-SHA256 under keys derived (HKDF) from one 256-bit root key. */
export class EnvelopeKeyRing implements KeyRing {
  readonly #encKey: Buffer;
  readonly #macKey: Buffer;

  constructor(rootKey: Uint8Array) {
    if (rootKey.length !== 32) throw new Error('the root key must be 32 bytes');
    this.#encKey = Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), 'wallet/encrypt', 32));
    this.#macKey = Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), 'wallet/mac', 32));
  }

  async mac(purpose: string, value: string): Promise<string> {
    return createHmac('sha256', this.#macKey).update(`${purpose}\u0000${value}`).digest('base64url');
  }

  async encrypt(plaintext: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#encKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  async decrypt(ciphertext: string): Promise<string> {
    const [version, iv, body, tag] = ciphertext.split('.');
    if (version !== VERSION || !iv || !body || !tag) throw new Error('unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.#encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
