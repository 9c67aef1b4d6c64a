/**
 * The access tokens the wallet itself obtained from the identity provider (API.md v1.1: "the
 * identity provider's own endpoints do not hand out tokens to a client that skips the wallet's
 * checks"). A token signed by the provider but obtained at its own endpoints (a refresh that
 * skips the idle limit, a password sign-in that skips the lock-out) is not one of them.
 */
export interface IssuedTokens {
  /** Records an access token the wallet received (its `jti`, until it expires). */
  record(accessToken: string): Promise<void>;
  /** Whether the wallet received the access token with this `jti`. */
  wasIssued(jti: string): Promise<boolean>;
}
