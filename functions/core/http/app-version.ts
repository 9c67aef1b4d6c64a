import type { Route } from '../../routes.ts';
import { runtimeConfig } from '../config.ts';
import {
  type AppVersionPolicy,
  judgeAppVersion,
  parseAppVersion,
  parseMinimumVersions,
} from '../domain/app-version.ts';
import { Refusal } from '../domain/refusals.ts';
import { validationFailed } from './problem.ts';

export { appVersionHeader } from '../domain/app-version.ts';

// API.md v1.1 "App version" (Circular 77/2025, RULES.md §5) at the HTTP layer: routes that sign
// in, trust a device or move money (`checksAppVersion` in functions/routes.ts) refuse an outdated
// client before anything else runs; every route hands the version it was called with to the use
// case, which records it with the device's authentication events.

let policy: AppVersionPolicy | undefined;

/** The stage's policy, read once per cold start (a wrong MIN_APP_VERSION fails the cold start). */
export function appVersionPolicy(): AppVersionPolicy {
  if (policy) return policy;
  const config = runtimeConfig();
  policy = {
    minimum: parseMinimumVersions(config.minAppVersion),
    allowUnversioned: config.unversionedApps === 'allow',
  };
  return policy;
}

/**
 * The request's app version (`android/4.2.0`), when it names a valid one. On a route that checks
 * it: `426 app-upgrade-required` (with `minimumVersion`) for an outdated or, where the stage wants
 * one, a missing version; `400 validation-failed` for a header that is no version.
 */
export function appVersionOf(route: Pick<Route, 'checksAppVersion'>, header: string | undefined): string | undefined {
  if (!route.checksAppVersion) return header ? parseAppVersion(header)?.text : undefined;
  const verdict = judgeAppVersion(header, appVersionPolicy());
  if (verdict.ok) return verdict.appVersion?.text;
  if (verdict.why === 'malformed') {
    throw validationFailed('X-App-Version is not <platform>/<semantic version>.', [
      { name: 'X-App-Version', reason: 'android/<semver> or ios/<semver>, e.g. android/4.2.0' },
    ]);
  }
  throw new Refusal(
    'app-upgrade-required',
    verdict.minimumVersion
      ? `This version of the app is no longer supported: update to ${verdict.minimumVersion} or later.`
      : 'This call needs the X-App-Version header naming a supported version of the app.',
    {
      ...(verdict.minimumVersion ? { minimumVersion: verdict.minimumVersion } : {}),
      minimumVersions: verdict.minimumVersions,
    },
  );
}
