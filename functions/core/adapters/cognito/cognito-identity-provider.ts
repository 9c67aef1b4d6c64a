import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { userPool } from '../../../resources.ts';
import type { IdentityProvider, SessionTokens } from '../../ports/identity-provider.ts';

// Cognito answers NotAuthorizedException for a wrong password; cognito-local answers
// InvalidPasswordException. Both mean the same to the customer.
const WRONG_CREDENTIALS = new Set([
  'NotAuthorizedException',
  'UserNotFoundException',
  'PasswordResetRequiredException',
  'InvalidPasswordException',
]);

/** Cognito user pool: the username is the E.164 phone number, verified by our own OTP. */
export class CognitoIdentityProvider implements IdentityProvider {
  readonly #cognito = new CognitoIdentityProviderClient({});
  constructor(
    private readonly userPoolId: string,
    private readonly clientId: string,
  ) {}

  async createUser(phoneNumber: string, password: string): Promise<{ subject: string; created: boolean }> {
    let subject: string | undefined;
    let created = true;
    try {
      const out = await this.#cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: phoneNumber,
          UserAttributes: [
            { Name: 'phone_number', Value: phoneNumber },
            { Name: 'phone_number_verified', Value: 'true' },
          ],
          MessageAction: 'SUPPRESS',
        }),
      );
      subject = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    } catch (error) {
      // A confirmation that crashed after this step left the user behind: adopt it.
      if ((error as Error).name !== 'UsernameExistsException') throw error;
      created = false;
    }
    if (!subject) {
      const user = await this.#cognito.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: phoneNumber }),
      );
      subject = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
    }
    if (!subject) throw new Error('the identity provider returned no subject');
    await this.#cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: this.userPoolId,
        Username: phoneNumber,
        Password: password,
        Permanent: true,
      }),
    );
    return { subject, created };
  }

  /**
   * Admin-initiated auth: only a holder of the sign-in function's IAM permission can exchange a
   * password for tokens; the app client allows no USER_PASSWORD_AUTH at Cognito's public endpoint.
   */
  async signIn(phoneNumber: string, password: string): Promise<SessionTokens | undefined> {
    try {
      const out = await this.#cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: this.userPoolId,
          ClientId: this.clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: phoneNumber, PASSWORD: password },
        }),
      );
      const r = out.AuthenticationResult;
      if (!r?.AccessToken || !r.IdToken || !r.RefreshToken) return undefined;
      return {
        accessToken: r.AccessToken,
        idToken: r.IdToken,
        refreshToken: r.RefreshToken,
        expiresIn: r.ExpiresIn ?? userPool.client.accessTokenValidityMinutes * 60,
      };
    } catch (error) {
      if (WRONG_CREDENTIALS.has((error as Error).name)) return undefined;
      throw error;
    }
  }

  async refresh(refreshToken: string) {
    try {
      const out = await this.#cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: this.userPoolId,
          ClientId: this.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
      const r = out.AuthenticationResult;
      if (!r?.AccessToken || !r.IdToken) return undefined;
      return {
        accessToken: r.AccessToken,
        idToken: r.IdToken,
        expiresIn: r.ExpiresIn ?? userPool.client.accessTokenValidityMinutes * 60,
      };
    } catch (error) {
      if (WRONG_CREDENTIALS.has((error as Error).name)) return undefined;
      throw error;
    }
  }

  async signOutEverywhere(phoneNumber: string): Promise<void> {
    try {
      await this.#cognito.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: phoneNumber }),
      );
    } catch (error) {
      // cognito-local has no global sign-out; the wallet's own session registry still ends them.
      if (/^Unsupported/.test((error as Error).name) || /unsupported feature/i.test((error as Error).message)) return;
      throw error;
    }
  }
}
