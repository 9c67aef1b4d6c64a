#!/usr/bin/env node
// The transaction-bound soft OTP a trusted device computes (RFC 6287 OCRA, suite
// OCRA-1:HOTP-SHA1-6:QA64 over the challenge id), for trying class C/D transfers and refunds with
// curl (docs/money.md, docs/merchants.md). The same code as the server's (Node 24 runs it as is).
//
//   node bin/soft-otp.mjs <base32 secret from KYC or device trust> <challengeId>
import { ocra } from '../functions/core/domain/soft-otp.ts';

const [secret, challengeId] = process.argv.slice(2);
if (!secret || !challengeId) {
  console.error('usage: node bin/soft-otp.mjs <secret> <challengeId>');
  process.exit(2);
}
console.log(ocra(secret, challengeId));
