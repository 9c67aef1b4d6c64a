import { randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
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

const attribute = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

/**
 * Cognito user pool with the phone number as username attribute (`UsernameAttributes:
 * ['phone_number']`), verified by our own OTP. In AWS such a pool names each user by a generated
 * UUID, its `sub`, and the verified phone number is an alias of it: every call after the user is
 * created names it by its `sub` (the customer id), which AWS accepts wherever a username is asked
 * for (AdminInitiateAuth's USERNAME, the Admin* actions' Username). A phone change sets
 * `phone_number` and `phone_number_verified = true` with AdminUpdateUserAttributes: the alias moves
 * to the new number at once (the pool does not keep the original value until verified, as
 * AttributesRequireVerificationBeforeUpdate would), the old number names no user any more and can
 * be registered again, and AWS refuses a number another user holds (AliasExistsException).
 * cognito-local (the local engine) matches a username against the user's name, its `sub` and its
 * `phone_number`, but keeps the name it was created with, the first phone number: see createUser.
 */
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
      subject = await this.#create(phoneNumber, phoneNumber);
    } catch (error) {
      if ((error as Error).name !== 'UsernameExistsException') throw error;
      const user = await this.#cognito.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: phoneNumber }),
      );
      if (attribute(user.UserAttributes, 'phone_number') === phoneNumber) {
        // A confirmation that crashed after this step left the user behind: adopt it.
        subject = attribute(user.UserAttributes, 'sub');
        created = false;
      } else {
        // cognito-local only: the name is taken by a user whose number has since moved (a phone
        // change). AWS never gets here (the moved alias names no one); there the user's name is
        // generated anyway, as here.
        subject = await this.#create(randomUUID(), phoneNumber);
      }
    }
    if (!subject) throw new Error('the identity provider returned no subject');
    await this.#cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: this.userPoolId,
        Username: subject,
        Password: password,
        Permanent: true,
      }),
    );
    return { subject, created };
  }

  async #create(username: string, phoneNumber: string): Promise<string | undefined> {
    const out = await this.#cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: this.userPoolId,
        Username: username,
        UserAttributes: [
          { Name: 'phone_number', Value: phoneNumber },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
        MessageAction: 'SUPPRESS',
      }),
    );
    return attribute(out.User?.Attributes, 'sub');
  }

  /**
   * Admin-initiated auth: only a holder of the sign-in function's IAM permission can exchange a
   * password for tokens; the app client allows no USER_PASSWORD_AUTH at Cognito's public endpoint.
   */
  async signIn(username: string, password: string): Promise<SessionTokens | undefined> {
    try {
      const out = await this.#cognito.send(
        new AdminInitiateAuthCommand({
          UserPoolId: this.userPoolId,
          ClientId: this.clientId,
          AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: password },
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

  async signOutEverywhere(subject: string): Promise<void> {
    try {
      await this.#cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: subject }));
    } catch (error) {
      // cognito-local has no global sign-out; the wallet's own session registry still ends them.
      if (/^Unsupported/.test((error as Error).name) || /unsupported feature/i.test((error as Error).message)) return;
      // A user erased already (RULES.md §9) has no session left to end.
      if ((error as Error).name === 'UserNotFoundException') return;
      throw error;
    }
  }

  async changePhone(subject: string, phoneNumber: string): Promise<void> {
    await this.#cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: this.userPoolId,
        Username: subject,
        UserAttributes: [
          { Name: 'phone_number', Value: phoneNumber },
          { Name: 'phone_number_verified', Value: 'true' },
        ],
      }),
    );
  }

  async disableAndDelete(subject: string): Promise<void> {
    const gone = (error: unknown) => {
      if ((error as Error).name !== 'UserNotFoundException') throw error;
    };
    // Disabled first: in AWS that stops sign-in and revokes the user's tokens at once, so a failure
    // before the delete still leaves no way in. cognito-local records it but does not enforce it:
    // there the wallet's own checks (the phone guard is gone, sessions revoked) stop sign-in.
    await this.#cognito
      .send(new AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username: subject }))
      .catch(gone);
    await this.#cognito
      .send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: subject }))
      .catch(gone);
  }
}
