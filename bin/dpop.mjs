#!/usr/bin/env node
// A DPoP proof (RFC 9449) as a device makes one, for trying the API with curl (README,
// docs/onboarding.md). No dependencies.
//
//   node bin/dpop.mjs <METHOD> <URL> [accessToken]
//
// The device's private key lives in ./device-key.json (made on first use: keep it, it is the
// device). Prints the proof on stdout and the device's public JWK (for `devicePublicKey`) on
// stderr. A proof serves one request: make a new one for every call.
import { createHash, createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [method, url, token] = process.argv.slice(2);
if (!method || !url) {
  console.error('usage: node bin/dpop.mjs <METHOD> <URL> [accessToken]');
  process.exit(2);
}
if (!existsSync('device-key.json')) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync('device-key.json', JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600 });
}
const privateJwk = JSON.parse(readFileSync('device-key.json', 'utf8'));
const { kty, crv, x, y } = privateJwk;
const jwk = { kty, crv, x, y };
console.error(JSON.stringify(jwk));
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claims = { htm: method, htu: url.split('?')[0], iat: Math.floor(Date.now() / 1000), jti: randomUUID() };
if (token) claims.ath = createHash('sha256').update(token).digest('base64url');
const input = `${b64({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${b64(claims)}`;
const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
console.log(`${input}.${signature.toString('base64url')}`);
