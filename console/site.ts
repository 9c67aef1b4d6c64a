// The operations console as a static site: how it is built (esbuild, from console/src) and the
// security headers it is served with, locally by the gateway (local/console-site.ts) and in AWS by
// CloudFront (lib/constructs/console-site.ts). Plain Node: no handler, SDK or CDK code here.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** The path the console is served under, locally and in AWS: `/console/`. */
export const consolePath = '/console/';

export type { ConsoleConfig } from './src/config.ts';

/**
 * Headers of every console answer. The console loads nothing from elsewhere and talks only to its
 * own origin (the API is served there too: `/v1/*`), so `'self'` is all the policy allows; no
 * inline script or style; no framing (clickjacking of the decision and freeze forms).
 */
export const consoleSecurityHeaders = {
  contentSecurityPolicy: [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  strictTransportSecurity: { maxAgeSeconds: 63_072_000, includeSubdomains: true, preload: true },
  referrerPolicy: 'no-referrer',
  frameOptions: 'DENY',
  contentTypeOptions: 'nosniff',
  permissionsPolicy: 'camera=(), microphone=(), geolocation=(), payment=()',
} as const;

/** The same headers as HTTP header lines (the local gateway; CloudFront builds its policy from the object). */
export function consoleHeaderLines(https: boolean): Record<string, string> {
  const h = consoleSecurityHeaders;
  const hsts = h.strictTransportSecurity;
  return {
    'content-security-policy': h.contentSecurityPolicy,
    ...(https
      ? {
          'strict-transport-security': `max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}${hsts.preload ? '; preload' : ''}`,
        }
      : {}),
    'referrer-policy': h.referrerPolicy,
    'x-frame-options': h.frameOptions,
    'x-content-type-options': h.contentTypeOptions,
    'permissions-policy': h.permissionsPolicy,
  };
}

/**
 * Builds the console into `outdir` (index.html, app.js, app.css): one esbuild run, about a tenth of
 * a second (the licences of the bundled libraries in app.js.LEGAL.txt). Synchronous so that the CDK app can call it while it builds the stack.
 */
export function buildConsole(outdir: string, options: { minify?: boolean } = {}): string {
  mkdirSync(outdir, { recursive: true });
  buildSync({
    entryPoints: { app: join(here, 'src/main.tsx') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir,
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'src/index.html'), join(outdir, 'index.html'));
  copyFileSync(join(here, 'src/app.css'), join(outdir, 'app.css'));
  return outdir;
}

/** Where `npm start`, the tests and `cdk synth` put the build (ignored by git). */
export const consoleBuildDir = join(here, '..', '.cache', 'console');
