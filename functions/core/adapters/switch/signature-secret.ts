import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { runtimeConfig } from '../../config.ts';

// The key the switch signs its messages with (HMAC-SHA256, shared with the switch). In AWS it is a
// Secrets Manager secret named by SWITCH_SECRET_ARN, fetched once and cached for 5 minutes by
// Powertools (a rotation reaches every function within that); locally and in sandbox stages
// without a secret, SWITCH_SIGNING_SECRET or a fixed development key (never in production).

const LOCAL_DEVELOPMENT_SECRET = 'vn-ewallet-core local switch signing key';

export async function switchSigningSecret(): Promise<string> {
  const config = runtimeConfig();
  const arn = config.switchSecretArn;
  if (arn) {
    const value = await getSecret(arn, { maxAge: 300 });
    if (typeof value !== 'string' || value.length < 32)
      throw new Error('the switch signing secret is missing or short');
    return value;
  }
  if (config.stage === 'production') throw new Error('production needs SWITCH_SECRET_ARN');
  return config.switchSigningSecret || LOCAL_DEVELOPMENT_SECRET;
}
