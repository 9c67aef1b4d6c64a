import { Refusal, type RefusalReason } from '../domain/refusals.ts';
import { Problem } from './problem.ts';

// The one table from the domain's refusals to HTTP (API.md "Errors", docs/api.md): every reason a
// use case or adapter may give is answered with exactly this status and problem `code`. A reason
// missing here does not compile. Different rules may share a code (the client branches on it),
// but one rule never answers two statuses.
export const answers = {
  'validation-failed': { status: 400, code: 'validation-failed' },
  'customer-not-found': { status: 404, code: 'not-found' },
  'registration-not-found': { status: 404, code: 'not-found' },
  'wallet-not-found': { status: 404, code: 'not-found' },
  'link-not-found': { status: 404, code: 'not-found' },
  'transfer-not-found': { status: 404, code: 'not-found' },
  'case-not-found': { status: 404, code: 'not-found' },
  'request-not-found': { status: 404, code: 'not-found' },
  'subject-not-found': { status: 404, code: 'not-found' },
  'kyc-required': { status: 403, code: 'kyc-required' },
  'device-not-trusted': { status: 403, code: 'device-not-trusted' },
  'wallet-pending-link': { status: 403, code: 'bank-link-required' },
  'link-required': { status: 422, code: 'bank-link-required' },
  'last-link-holds-money': { status: 409, code: 'bank-link-required' },
  'wallet-locked': { status: 403, code: 'wallet-locked' },
  'wallet-frozen': { status: 403, code: 'wallet-frozen' },
  'wallet-closed': { status: 422, code: 'wallet-not-active' },
  'payee-not-active': { status: 422, code: 'wallet-not-active' },
  'payee-not-found': { status: 422, code: 'payee-not-found' },
  'payee-account-not-found': { status: 404, code: 'payee-not-found' },
  'name-inquiry-not-found': { status: 404, code: 'not-found' },
  'name-inquiry-expired': { status: 422, code: 'name-inquiry-expired' },
  'self-transfer': { status: 422, code: 'self-transfer' },
  'insufficient-funds': { status: 422, code: 'insufficient-funds' },
  'monthly-limit-exceeded': { status: 422, code: 'monthly-limit-exceeded' },
  'essential-limit-exceeded': { status: 422, code: 'essential-limit-exceeded' },
  'payee-flagged': { status: 422, code: 'payee-flagged' },
  'risk-blocked': { status: 403, code: 'risk-blocked' },
  'authentication-required': { status: 400, code: 'authentication-required' },
  'otp-invalid': { status: 400, code: 'otp-invalid' },
  'otp-expired': { status: 400, code: 'otp-expired' },
  'too-many-attempts': { status: 403, code: 'too-many-attempts' },
  'challenge-expired': { status: 400, code: 'challenge-expired' },
  'biometric-mismatch': { status: 422, code: 'biometric-mismatch' },
  unauthenticated: { status: 401, code: 'unauthenticated' },
  'session-expired': { status: 401, code: 'session-expired' },
  'app-upgrade-required': { status: 426, code: 'app-upgrade-required' },
  'account-has-balance': { status: 409, code: 'account-has-balance' },
  'service-consent-required': { status: 422, code: 'service-consent-required' },
  'case-reported': { status: 409, code: 'case-reported' },
  'case-decided': { status: 409, code: 'case-decided' },
  'wallet-not-frozen': { status: 409, code: 'wallet-not-frozen' },
  'wallet-not-locked': { status: 409, code: 'wallet-not-locked' },
  'subject-mismatch': { status: 422, code: 'subject-mismatch' },
  'phone-already-registered': { status: 409, code: 'phone-already-registered' },
  'duplicate-identity': { status: 409, code: 'duplicate-identity' },
  'already-verified': { status: 409, code: 'already-verified' },
  'identity-mismatch': { status: 422, code: 'identity-mismatch' },
  'bank-account-owner-mismatch': { status: 422, code: 'bank-account-owner-mismatch' },
  'link-exists': { status: 409, code: 'link-exists' },
  'payment-request-not-found': { status: 404, code: 'not-found' },
  'payment-request-paid': { status: 409, code: 'payment-request-paid' },
  'payment-request-expired': { status: 422, code: 'payment-request-expired' },
  'refund-exceeds-payment': { status: 422, code: 'refund-exceeds-payment' },
  'not-a-merchant': { status: 403, code: 'forbidden' },
  'request-in-progress': { status: 409, code: 'request-in-progress' },
  'idempotency-key-reused': { status: 422, code: 'idempotency-key-reused' },
  'rate-limited': { status: 429, code: 'rate-limited' },
  'wallet-busy': { status: 503, code: 'wallet-busy' },
} as const satisfies Record<RefusalReason, { status: number; code: string }>;

/** The HTTP answer of a domain refusal. */
export function problemOf(refusal: Refusal): Problem {
  const { status, code } = answers[refusal.reason];
  return new Problem(status, code, refusal.detail, { ...refusal.facts });
}

/** Refusals become problems; problems stay; anything else is not an answer (a 500 upstream). */
export function asProblem(error: unknown): Problem | undefined {
  if (error instanceof Problem) return error;
  if (error instanceof Refusal) return problemOf(error);
  return undefined;
}
