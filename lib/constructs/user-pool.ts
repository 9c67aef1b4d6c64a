// The Cognito user pool, its staff groups and the app client, from the plain-data definition in
// functions/resources.ts. Customers are created by the wallet's registration endpoint
// (AdminCreateUser), never by self sign-up; step-up factors are the wallet's own (RULES.md §3).
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export interface UserPoolDefinition {
  readonly name: string;
  readonly usernameAttributes: readonly string[];
  readonly passwordPolicy: {
    readonly minimumLength: number;
    readonly requireLowercase: boolean;
    readonly requireUppercase: boolean;
    readonly requireNumbers: boolean;
    readonly requireSymbols: boolean;
  };
  readonly groups: readonly string[];
  readonly client: {
    readonly name: string;
    readonly authFlows: readonly string[];
    readonly accessTokenValidityMinutes: number;
    readonly idTokenValidityMinutes: number;
    readonly refreshTokenValidityDays: number;
  };
}

export interface WalletUserPoolProps {
  readonly definition: UserPoolDefinition;
  readonly stage: string;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  /** Plus feature plan with full-function threat protection (paid per MAU). */
  readonly threatProtection: boolean;
}

const signInAliasesOf = (attributes: readonly string[]): cognito.SignInAliases => {
  const aliases: { phone?: boolean; email?: boolean } = {};
  for (const attribute of attributes) {
    if (attribute === 'phone_number') aliases.phone = true;
    else if (attribute === 'email') aliases.email = true;
    else throw new Error(`Unsupported Cognito username attribute "${attribute}"`);
  }
  return aliases;
};

export class WalletUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly groups: Record<string, cognito.UserPoolGroup>;

  constructor(scope: Construct, id: string, props: WalletUserPoolProps) {
    super(scope, id);
    const { definition } = props;
    const policy = definition.passwordPolicy;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `${props.stage}-${definition.name}`,
      signInAliases: signInAliasesOf(definition.usernameAttributes),
      // The wallet verifies the phone itself (OTP at registration) and creates the user with
      // AdminCreateUser; Cognito sends no SMS, so it needs no SNS role.
      selfSignUpEnabled: false,
      autoVerify: { phone: false, email: false },
      enableSmsRole: false,
      standardAttributes: { phoneNumber: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: policy.minimumLength,
        requireLowercase: policy.requireLowercase,
        requireUppercase: policy.requireUppercase,
        requireDigits: policy.requireNumbers,
        requireSymbols: policy.requireSymbols,
        tempPasswordValidity: Duration.days(1),
      },
      mfa: cognito.Mfa.OFF,
      // Passwords are reset through the wallet (AdminSetUserPassword after an OTP), never by Cognito.
      accountRecovery: cognito.AccountRecovery.NONE,
      featurePlan: props.threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      ...(props.threatProtection
        ? { standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION }
        : {}),
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });

    this.groups = {};
    for (const groupName of definition.groups) {
      this.groups[groupName] = this.userPool.addGroup(`Group-${groupName}`, {
        groupName,
        description: `Wallet staff: ${groupName}`,
      });
    }

    this.client = this.userPool.addClient('AppClient', {
      userPoolClientName: definition.client.name,
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      disableOAuth: true,
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.minutes(definition.client.accessTokenValidityMinutes),
      idTokenValidity: Duration.minutes(definition.client.idTokenValidityMinutes),
      refreshTokenValidity: Duration.days(definition.client.refreshTokenValidityDays),
    });
    // Exactly the flows of the definition (the L2 `authFlows` would always add refresh on its own).
    const cfnClient = this.client.node.defaultChild as cognito.CfnUserPoolClient;
    cfnClient.explicitAuthFlows = [...definition.client.authFlows];

    acknowledge(this.userPool, {
      id: 'AwsSolutions-COG2',
      reason:
        'Cognito MFA is off by design: Circular 50 asks for second factors per transaction class, not at sign-in, so the wallet enforces them itself when money moves (SMS OTP, soft OTP, biometric match; RULES.md §3) and a device may move money only after a biometric check (RULES.md §4).',
    });
    if (!props.threatProtection) {
      acknowledge(this.userPool, {
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection needs the paid Cognito Plus plan (charged per monthly active user). Sign-in runs server-side through POST /v1/sessions, so adaptive authentication would mostly see Lambda egress addresses; failed-login counters, device trust and the risk engine of the wallet cover this (RULES.md §4, §7). Switch it on with `cognitoThreatProtection` in lib/config/stages.ts.',
      });
    }
  }
}
