import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { api, baseUrl } from '../e2e/client.ts';

// Helpers of the browser suite: Chromium (Debian's) driven by playwright-core, axe-core's check,
// screenshots. They land in .cache/console (ignored) unless CONSOLE_SCREENSHOTS=docs, which
// refreshes the ones docs/operations.md shows: a test run leaves the tracked files alone.

export const screenshotDir = resolve(process.env.CONSOLE_SCREENSHOTS === 'docs' ? 'docs/console' : '.cache/console');

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject('chromiumPath'),
    headless: true,
    // Root in CI containers has no user namespaces for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=vi-VN'],
  });
}

export interface ConsolePage {
  page: Page;
  /** Errors the page logged (a refused script or style under the content security policy is one). */
  errors: string[];
}

export async function openConsole(browser: Browser, lang: 'vi-VN' | 'en-GB' = 'en-GB'): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: lang });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // An answer's HTTP status (a wrong password's 401) is the API's business, not a page error.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${baseUrl()}/console/`);
  return { page, errors };
}

/** A staff member with a password the test knows (the sandbox creates it in Cognito). */
export async function staffUser(groups: string[]) {
  const password = `Ops!pass-${Math.random().toString(36).slice(2, 8)}A1`;
  const r = await api('POST', '/sandbox/operators', {
    body: { username: `console-${Date.now()}@example.test`, password, groups },
  });
  expect(r.status).toBe(201);
  return { phoneNumber: r.json.phoneNumber as string, password, token: r.json.accessToken as string };
}

export async function signIn(page: Page, user: { phoneNumber: string; password: string }) {
  await page.getByLabel(/Phone number|Số điện thoại/).fill(user.phoneNumber);
  await page.getByLabel(/^(Password|Mật khẩu)$/).fill(user.password);
  await page.getByRole('button', { name: /^(Sign in|Đăng nhập)$/ }).click();
  await page.locator('#signed-in').waitFor();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core (WCAG 2.1 A and AA rules) on the page as it is: the violations of impact serious or
 * critical. Evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // axe is the global the script above defined.
    const axe = (globalThis as any).axe;
    const result = await axe.run((globalThis as any).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] },
    });
    return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.slice(0, 3).join(', ')}`);
}

/** Checks the page with axe, then keeps its picture as docs/console/<name>.png. */
export async function checkAndShoot(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: resolve(screenshotDir, `${name}.png`), fullPage: true });
}
