export interface SessionTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Credentials live with the identity provider (Cognito); the wallet never stores passwords. */
export interface IdentityProvider {
  /** Creates the sign-in identity for a verified phone and returns its stable subject id. */
  createUser(phoneNumber: string, password: string): Promise<{ subject: string; created: boolean }>;
  /** undefined when the phone or password is wrong (the provider's user-existence errors are hidden). */
  signIn(phoneNumber: string, password: string): Promise<SessionTokens | undefined>;
  /** New access and ID tokens for a refresh token; undefined when the provider no longer honours it. */
  refresh(refreshToken: string): Promise<Omit<SessionTokens, 'refreshToken'> | undefined>;
  /** Ends every refresh token of the user at the provider (best effort where the provider cannot). */
  signOutEverywhere(phoneNumber: string): Promise<void>;
}
