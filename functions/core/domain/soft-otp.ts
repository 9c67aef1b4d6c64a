import { createHmac, randomBytes } from 'node:crypto';

// Transaction-bound soft OTP (RULES.md §3, Circular 50 Appendix 02: class D needs an OTP computed
// over the transaction; API.md gives the computation): RFC 6287 OCRA, suite
// OCRA-1:HOTP-SHA1-6:QA64, the question being the challenge id.
export const softOtpSuite = 'OCRA-1:HOTP-SHA1-6:QA64';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new device secret: 160 bits, base32 (RFC 4648) as authenticator apps expect. */
export const newSoftOtpSecret = (): string => base32Encode(randomBytes(20));

/** OCRA-1:HOTP-SHA1-6:QA64 over `question` (ASCII, zero-padded to 128 bytes). */
export function ocra(secretBase32: string, question: string): string {
  const q = Buffer.alloc(128);
  Buffer.from(question, 'ascii').copy(q);
  const message = Buffer.concat([Buffer.from(softOtpSuite, 'ascii'), Buffer.from([0]), q]);
  const hash = createHmac('sha1', base32Decode(secretBase32)).update(message).digest();
  const offset = hash[hash.length - 1]! & 0xf;
  const binary =
    ((hash[offset]! & 0x7f) << 24) | (hash[offset + 1]! << 16) | (hash[offset + 2]! << 8) | hash[offset + 3]!;
  return String(binary % 1_000_000).padStart(6, '0');
}
