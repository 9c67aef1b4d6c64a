import { describe, expect, it } from 'vitest';
import {
  type AppVersionPolicy,
  appVersionHeader,
  compareSemVer,
  judgeAppVersion,
  parseAppVersion,
  parseMinimumVersions,
  parseSemVer,
} from '../../functions/core/domain/app-version.ts';

// RULES.md §5, Circular 77/2025: app versions below the stage's minimum are cut off (API.md v1.1
// "App version"). The rule is pure: these tests need no I/O.

const v = (text: string) => {
  const parsed = parseSemVer(text);
  if (!parsed) throw new Error(`not a version: ${text}`);
  return parsed;
};

describe('semantic versions (semver.org §11 precedence)', () => {
  it('names the header once', () => {
    expect(appVersionHeader).toBe('X-App-Version');
  });

  it.each([
    ['1.0.0', '2.0.0'],
    ['2.0.0', '2.1.0'],
    ['2.1.0', '2.1.1'],
    ['4.9.0', '4.10.0'],
    ['1.0.0-alpha', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta'],
    ['1.0.0-alpha.beta', '1.0.0-beta'],
    ['1.0.0-beta', '1.0.0-beta.2'],
    ['1.0.0-beta.2', '1.0.0-beta.11'],
    ['1.0.0-beta.11', '1.0.0-rc.1'],
    ['1.0.0-rc.1', '1.0.0'],
  ])('%s < %s', (lower, higher) => {
    expect(compareSemVer(v(lower), v(higher))).toBeLessThan(0);
    expect(compareSemVer(v(higher), v(lower))).toBeGreaterThan(0);
  });

  it('ignores build metadata', () => {
    expect(compareSemVer(v('4.2.0+build.7'), v('4.2.0'))).toBe(0);
  });

  it.each(['4.2', '4', 'v4.2.0', '04.2.0', '4.2.0-', '4.2.0-01', '4.2.0.1', '', 'latest'])('refuses %j', (text) => {
    expect(parseSemVer(text)).toBeUndefined();
  });
});

describe('the X-App-Version header', () => {
  it('reads <platform>/<semver> for android and ios, in any case', () => {
    expect(parseAppVersion('android/4.2.0')).toMatchObject({ platform: 'android', text: 'android/4.2.0' });
    expect(parseAppVersion(' iOS/4.2.0-rc.1 ')).toMatchObject({ platform: 'ios', text: 'ios/4.2.0-rc.1' });
  });

  it.each(['4.2.0', 'web/4.2.0', 'android/', 'android/4.2', 'android 4.2.0', `android/${'9'.repeat(70)}`])(
    'refuses %j',
    (text) => {
      expect(parseAppVersion(text)).toBeUndefined();
    },
  );

  it('reads the stage minimums as MIN_APP_VERSION writes them', () => {
    const minimum = parseMinimumVersions('android/4.0.0, ios/4.1.0');
    expect(compareSemVer(minimum.android!, v('4.0.0'))).toBe(0);
    expect(compareSemVer(minimum.ios!, v('4.1.0'))).toBe(0);
    expect(parseMinimumVersions('')).toEqual({});
    expect(() => parseMinimumVersions('android/4')).toThrow(/android\/4/);
    expect(() => parseMinimumVersions('android/4.0.0,android/5.0.0')).toThrow(/twice/);
  });
});

describe('judging a request against the stage policy', () => {
  const policy: AppVersionPolicy = {
    minimum: parseMinimumVersions('android/4.0.0,ios/4.1.0'),
    allowUnversioned: false,
  };

  it('accepts the minimum and anything newer', () => {
    expect(judgeAppVersion('android/4.0.0', policy)).toMatchObject({ ok: true });
    expect(judgeAppVersion('ios/4.1.1', policy)).toMatchObject({ ok: true, appVersion: { text: 'ios/4.1.1' } });
  });

  it('refuses an older version with the platform minimum', () => {
    expect(judgeAppVersion('android/3.9.9', policy)).toEqual({
      ok: false,
      why: 'outdated',
      minimumVersion: '4.0.0',
      minimumVersions: { android: '4.0.0', ios: '4.1.0' },
    });
    expect(judgeAppVersion('ios/4.1.0-rc.1', policy)).toMatchObject({ ok: false, minimumVersion: '4.1.0' });
    // The Android minimum is lower: an iOS 4.0.x is still cut off.
    expect(judgeAppVersion('ios/4.0.5', policy)).toMatchObject({ ok: false, why: 'outdated' });
  });

  it('refuses a missing header unless the stage allows unversioned clients', () => {
    expect(judgeAppVersion(undefined, policy)).toMatchObject({ ok: false, why: 'outdated' });
    expect(judgeAppVersion('', policy)).toMatchObject({ ok: false, why: 'outdated' });
    expect(judgeAppVersion(undefined, { ...policy, allowUnversioned: true })).toEqual({ ok: true });
  });

  it('calls a header that is no version malformed', () => {
    expect(judgeAppVersion('web/1.0.0', policy)).toEqual({ ok: false, why: 'malformed' });
  });

  it('does not cut off a platform without a minimum', () => {
    expect(judgeAppVersion('ios/0.1.0', { minimum: { android: v('4.0.0') }, allowUnversioned: false })).toMatchObject({
      ok: true,
    });
  });
});
