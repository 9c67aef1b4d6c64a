export interface SessionTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * Credentials live with the identity provider (Cognito); the wallet never stores passwords. A user
 * is named by its subject (`sub`, the customer id) once it exists: the phone number is only an
 * attribute of it, which a phone change moves (Circular 77/2025).
 */
export interface IdentityProvider {
  /** Creates the sign-in identity for a verified phone and returns its stable subject id. */
  createUser(phoneNumber: string, password: string): Promise<{ subject: string; created: boolean }>;
  /** undefined when the user or password is wrong (the provider's user-existence errors are hidden). */
  signIn(subject: string, password: string): Promise<SessionTokens | undefined>;
  /** New access and ID tokens for a refresh token; undefined when the provider no longer honours it. */
  refresh(refreshToken: string): Promise<Omit<SessionTokens, 'refreshToken'> | undefined>;
  /** Ends every refresh token of the user at the provider (best effort where the provider cannot). */
  signOutEverywhere(subject: string): Promise<void>;
  /** The user's phone number becomes this one, verified (a phone change: the old number no longer names it). */
  changePhone(subject: string, phoneNumber: string): Promise<void>;
  /**
   * Erasure (RULES.md §9): sign-in is disabled at once, then the user (its password and phone
   * number, which AML law does not need) is deleted. Safe to repeat.
   */
  disableAndDelete(subject: string): Promise<void>;
}
