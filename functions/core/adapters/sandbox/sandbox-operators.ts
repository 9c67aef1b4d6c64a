import { randomInt } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { IdentityProvider } from '../../ports/identity-provider.ts';

/**
 * Sandbox only: an operator user in the given Cognito groups, signed in at once. The pool signs
 * in by phone number, so staff get a number from a range no Vietnamese carrier issues (+84 99…)
 * and keep the name they asked for as a label.
 */
export async function createSandboxOperator(
  userPoolId: string,
  identity: IdentityProvider,
  input: { username: string; password: string; groups: string[] },
) {
  const cognito = new CognitoIdentityProviderClient({});
  const phone = `+8499${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: phone,
      UserAttributes: [
        { Name: 'phone_number', Value: phone },
        { Name: 'phone_number_verified', Value: 'true' },
      ],
      MessageAction: 'SUPPRESS',
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: phone,
      Password: input.password,
      Permanent: true,
    }),
  );
  for (const group of input.groups) {
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: phone, GroupName: group }));
  }
  // Through the wallet's identity provider: the token is recorded as the wallet's own.
  const tokens = await identity.signIn(phone, input.password);
  if (!tokens) throw new Error('the new operator could not sign in');
  return { username: input.username, phoneNumber: phone, groups: input.groups, accessToken: tokens.accessToken };
}
