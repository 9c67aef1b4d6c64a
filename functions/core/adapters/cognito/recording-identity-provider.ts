import type { IdentityProvider } from '../../ports/identity-provider.ts';
import type { IssuedTokens } from '../../ports/issued-tokens.ts';

/**
 * The identity provider as the wallet uses it: every access token it hands out through the
 * wallet's own doors (sign-in, refresh, staff sign-in, sandbox operators) is recorded before it
 * is returned, so that the API can refuse tokens obtained at the provider's own endpoints.
 */
export class RecordingIdentityProvider implements IdentityProvider {
  constructor(
    private readonly inner: IdentityProvider,
    private readonly issued: IssuedTokens,
  ) {}

  createUser(phoneNumber: string, password: string) {
    return this.inner.createUser(phoneNumber, password);
  }

  async signIn(subject: string, password: string) {
    const tokens = await this.inner.signIn(subject, password);
    if (tokens) await this.issued.record(tokens.accessToken);
    return tokens;
  }

  async refresh(refreshToken: string) {
    const tokens = await this.inner.refresh(refreshToken);
    if (tokens) await this.issued.record(tokens.accessToken);
    return tokens;
  }

  signOutEverywhere(subject: string) {
    return this.inner.signOutEverywhere(subject);
  }

  changePhone(subject: string, phoneNumber: string) {
    return this.inner.changePhone(subject, phoneNumber);
  }

  disableAndDelete(subject: string) {
    return this.inner.disableAndDelete(subject);
  }
}
