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
  /** undefined when the phone or password is wrong. */
  signIn(phoneNumber: string, password: string): Promise<SessionTokens | undefined>;
}
