// RULES.md §5, Circular 77/2025 amending Circular 50 (in force 2026-03-01): outdated or insecure
// app versions are cut off. Clients name themselves in one header, `X-App-Version:
// <platform>/<semver>` (API.md v1.1 "App version"); where the stage sets a minimum for the
// platform, sign-in, device trust and money-moving calls from an older version are refused. Pure:
// the stage's policy is passed in (functions/core/config.ts reads it from MIN_APP_VERSION and
// UNVERSIONED_APPS).

/** The request header (one constant: the route table, the OpenAPI document and the tests use it). */
export const appVersionHeader = 'X-App-Version';

export const appPlatforms = ['android', 'ios'] as const;
export type AppPlatform = (typeof appPlatforms)[number];

/** A semantic version (semver.org 2.0.0): build metadata is dropped, it never orders versions. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: readonly (string | number)[];
}

export interface AppVersion {
  platform: AppPlatform;
  version: SemVer;
  /** As the client wrote it, normalised (`android/4.2.0`): recorded with authentication events. */
  text: string;
}

export interface AppVersionPolicy {
  /** The lowest version accepted per platform; a platform without one is not cut off. */
  minimum: Partial<Record<AppPlatform, SemVer>>;
  /** Whether a request without the header is accepted (the local runtime: yes; production: no). */
  allowUnversioned: boolean;
}

const NUMBER = '0|[1-9]\\d{0,8}';
const IDENTIFIER = '[0-9A-Za-z-]+';
const SEMVER = new RegExp(
  `^(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?(?:\\+${IDENTIFIER}(?:\\.${IDENTIFIER})*)?$`,
);

/** `4.2.0`, `4.2.0-beta.1`, `4.2.0+build.7`; undefined when it is not a semantic version. */
export function parseSemVer(text: string): SemVer | undefined {
  const m = SEMVER.exec(text.trim());
  if (!m) return undefined;
  const prerelease = m[4]
    ? m[4].split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part))
    : ([] as (string | number)[]);
  // semver §9: numeric pre-release identifiers have no leading zeros.
  if (m[4]?.split('.').some((part) => /^0\d+$/.test(part))) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease };
}

export const formatSemVer = (v: SemVer): string =>
  `${v.major}.${v.minor}.${v.patch}${v.prerelease.length ? `-${v.prerelease.join('.')}` : ''}`;

/** Negative, zero or positive as `a` is lower than, equal to or higher than `b` (semver §11). */
export function compareSemVer(a: SemVer, b: SemVer): number {
  for (const field of ['major', 'minor', 'patch'] as const) {
    if (a[field] !== b[field]) return a[field] - b[field];
  }
  // A pre-release is lower than its release; then identifier by identifier.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return (a.prerelease.length === 0 ? 1 : 0) - (b.prerelease.length === 0 ? 1 : 0);
  }
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1; // numeric identifiers are lower than alphanumeric ones
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The header's value: `<platform>/<semver>` with a known platform (case-insensitive), or undefined. */
export function parseAppVersion(header: string): AppVersion | undefined {
  const slash = header.trim().indexOf('/');
  if (slash < 0 || header.length > 64) return undefined;
  const platform = header.trim().slice(0, slash).toLowerCase();
  if (!(appPlatforms as readonly string[]).includes(platform)) return undefined;
  const version = parseSemVer(header.trim().slice(slash + 1));
  if (!version) return undefined;
  return { platform: platform as AppPlatform, version, text: `${platform}/${formatSemVer(version)}` };
}

/**
 * The stage's minimums as configuration writes them: `android/4.0.0,ios/4.1.0` (API.md: the local
 * runtime's MIN_APP_VERSION). Throws on anything else, naming the part: a wrong configuration
 * must stop the function at its cold start, not let every version in.
 */
export function parseMinimumVersions(text: string): Partial<Record<AppPlatform, SemVer>> {
  const minimum: Partial<Record<AppPlatform, SemVer>> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const parsed = parseAppVersion(part);
    if (!parsed) throw new Error(`minimum app version "${part}" is not <android|ios>/<semver>`);
    if (minimum[parsed.platform]) throw new Error(`minimum app version for ${parsed.platform} is given twice`);
    minimum[parsed.platform] = parsed.version;
  }
  return minimum;
}

export type AppVersionVerdict =
  | { ok: true; appVersion?: AppVersion }
  /** The header is there but is not `<android|ios>/<semver>`: the request is malformed. */
  | { ok: false; why: 'malformed' }
  /** Older than the platform's minimum, or without a header where the stage wants one. */
  | { ok: false; why: 'outdated'; minimumVersion?: string; minimumVersions: Partial<Record<AppPlatform, string>> };

const shown = (policy: AppVersionPolicy) =>
  Object.fromEntries(Object.entries(policy.minimum).map(([p, v]) => [p, formatSemVer(v)])) as Partial<
    Record<AppPlatform, string>
  >;

/** Whether a request naming this app version (or none: `undefined`) may go on under the policy. */
export function judgeAppVersion(header: string | undefined, policy: AppVersionPolicy): AppVersionVerdict {
  if (header === undefined || header.trim() === '') {
    return policy.allowUnversioned ? { ok: true } : { ok: false, why: 'outdated', minimumVersions: shown(policy) };
  }
  const appVersion = parseAppVersion(header);
  if (!appVersion) return { ok: false, why: 'malformed' };
  const minimum = policy.minimum[appVersion.platform];
  if (minimum && compareSemVer(appVersion.version, minimum) < 0) {
    return { ok: false, why: 'outdated', minimumVersion: formatSemVer(minimum), minimumVersions: shown(policy) };
  }
  return { ok: true, appVersion };
}
