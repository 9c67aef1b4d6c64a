// config.json, served beside the console (console/site.ts writes it locally, the CDK app in AWS).

/** What the console reads at start-up (`config.json` beside it), so one build serves every stage. */
export interface ConsoleConfig {
  /** The wallet API's base URL, stage path included; `''` when it is the console's own origin. */
  apiBaseUrl: string;
  /** The stage's Cognito user pool and app client: the console checks its ID token names them. */
  userPoolId: string;
  userPoolClientId: string;
  /** The issuer of the pool's tokens (`https://cognito-idp.<region>.amazonaws.com/<pool>`). */
  issuer: string;
  stage: string;
}
