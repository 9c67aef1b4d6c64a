import type { JWK } from 'jose';

// The sandbox eKYC provider's signing key. It is published here on purpose, like cognito-local's:
// anyone can sign with it, so the verifier trusts it only in stages that are not production.
export const sandboxEkycIssuer = 'https://sandbox-ekyc.invalid';
export const sandboxEkycKid = 'sandbox-ekyc-2026-1';

export const sandboxEkycPrivateJwk: JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'AjcbLsuHCUMSCp5FRLV8EPZbbbanroRmlr-AiIV5rr0',
  y: 'PRjy1dVV6D14KFhmwBGAKv5RjiSqTY_n1h2OSTIij2Y',
  d: '-5zDmOCiG8f0Ld7Oj36-_8E95HHbT4XSQuCN4HrY1mA',
  kid: sandboxEkycKid,
  alg: 'ES256',
};

export const sandboxEkycPublicJwk: JWK = { ...sandboxEkycPrivateJwk, d: undefined };
