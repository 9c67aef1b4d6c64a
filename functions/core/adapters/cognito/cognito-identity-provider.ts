import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
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

  async signIn(phoneNumber: string, password: string): Promise<SessionTokens | undefined> {
    try {
      const out = await this.#cognito.send(
        new InitiateAuthCommand({
          ClientId: this.clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: phoneNumber, PASSWORD: password },
        }),
      );
      const r = out.AuthenticationResult;
      if (!r?.AccessToken || !r.IdToken || !r.RefreshToken) return undefined;
      return {
        accessToken: r.AccessToken,
        idToken: r.IdToken,
        refreshToken: r.RefreshToken,
        expiresIn: r.ExpiresIn ?? 3600,
      };
    } catch (error) {
      if (WRONG_CREDENTIALS.has((error as Error).name)) return undefined;
      throw error;
    }
  }
}
