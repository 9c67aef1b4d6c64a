import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeCustomer, api, as, expectProblem, fundedCustomer, staff, transfer } from '../e2e/client.ts';
import { checkAndShoot, launch, openConsole, screenshotDir, signIn, staffUser } from './console.ts';

// The operations console in a real browser (docs/operations.md "The operations console"): staff
// sign in, release a held case, freeze a wallet and import a watch list through the pages, and the
// results are checked through the API. Every page passes axe-core with no serious violation and
// its screenshot lands in the screenshot folder (console.ts: docs/console/ with CONSOLE_SCREENSHOTS=docs).

const M = 1_000_000;
let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A transfer held for review: its payee's wallet is WARN-listed, which this runtime holds (RISK_CONFIG). */
async function heldTransfer() {
  const [payer, payee, lister] = await Promise.all([fundedCustomer(3 * M), activeCustomer(), staff(['operators'])]);
  const listed = await api('POST', '/v1/ops/watchlist', {
    token: lister.token,
    idempotencyKey: randomUUID(),
    body: {
      entries: [
        { kind: 'WALLET', value: payee.walletId, severity: 'WARN', source: 'INTERNAL', reason: 'browser test' },
      ],
    },
  });
  expect(listed.status, JSON.stringify(listed.json)).toBe(200);
  const o = await transfer(payer, { type: 'P2P', walletId: payer.walletId, toWalletId: payee.walletId, amount: M });
  expect(o.final?.status, JSON.stringify(o.final ?? o.created.json)).toBe('HELD');
  const cases = await api('GET', '/v1/ops/cases?status=OPEN&limit=100', { token: lister.token });
  const held = cases.json.items.find((c: { transferId?: string }) => c.transferId === o.final!.transferId);
  return { payer, payee, transferId: o.final!.transferId, caseId: held.caseId as string };
}

describe('the operations console', () => {
  it('an operator signs in, releases a held case, freezes a wallet and imports a watch list', async () => {
    const [held, target, listed, operator] = await Promise.all([
      heldTransfer(),
      activeCustomer(),
      activeCustomer(),
      staffUser(['operators']),
    ]);
    const { page, errors } = await openConsole(browser, 'vi-VN');

    // Signing in: Vietnamese by default for a Vietnamese browser; a wrong password says so.
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await page.getByLabel('Số điện thoại').fill(operator.phoneNumber);
    await page.getByLabel('Mật khẩu').fill('Wr0ng!pass');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('unauthenticated');
    await page.getByLabel('Mật khẩu').fill('');
    await checkAndShoot(page, 'sign-in');
    await signIn(page, operator);
    // English from here on (the language switch).
    await page.getByRole('button', { name: 'English' }).click();

    // 1. The held case: its rule hits, then RELEASE with a note.
    await page.getByRole('link', { name: 'Held cases' }).click();
    const row = page.locator('#cases tr', { hasText: held.caseId });
    await row.waitFor();
    expect(await row.textContent()).toContain('watchlistPayee');
    await checkAndShoot(page, 'cases');
    await row.getByRole('button', { name: /Decide case/ }).click();
    await page.getByLabel('Release').check();
    await page.getByLabel('Note').fill('Payee known to the payer: released (browser test)');
    await checkAndShoot(page, 'case-decision');
    await page.getByRole('button', { name: 'Record the decision' }).click();
    await page.getByRole('status').filter({ hasText: held.caseId }).waitFor();
    const released = await as(held.payer)('GET', `/v1/transfers/${held.transferId}`);
    expect(released.json.status).toBe('COMPLETED');

    // 2. Look a wallet up and freeze it with a reason and a reference.
    await page.getByRole('link', { name: 'Wallet look-up' }).click();
    await page.getByLabel('Wallet id').fill(target.walletId);
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.locator('#wallet-status').textContent()).toBe('ACTIVE');
    await page.getByLabel('Reason').fill('Reported stolen phone (browser test)');
    await page.getByLabel('Reference').fill('TICKET-4242');
    await page.getByRole('button', { name: 'Freeze', exact: true }).click();
    await expect.poll(() => page.locator('#wallet-status').textContent()).toBe('FROZEN');
    await page.locator('table', { hasText: 'TICKET-4242' }).waitFor();
    await checkAndShoot(page, 'wallet');
    const frozen = await as(target)('GET', `/v1/wallets/${target.walletId}`);
    expect(frozen.json.status).toBe('FROZEN');

    // 3. Import a watch list from a CSV file: a bad file is stopped at the preview; a good one is imported.
    await page.getByRole('link', { name: 'Watch list' }).click();
    const file = page.getByLabel(/CSV file/);
    await file.setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('kind,value,severity,source,reason\nPHONE,0912345678,MAYBE,INTERNAL,typo\n'),
    });
    await page.getByText('1 invalid row(s)').waitFor();
    expect(await page.getByRole('button', { name: /Import the list/ }).isDisabled()).toBe(true);
    const csv = [
      'kind,value,severity,source,reason',
      `PHONE,"${listed.phone.slice(0, 4)} ${listed.phone.slice(4, 7)} ${listed.phone.slice(7)}",BLOCK,MPS_WARNING_DB,"Scam report, MPS letter 17/2026"`,
      `BANK_ACCOUNT,9704-${randomUUID().slice(0, 8).replace(/\D/g, '7')},WARN,SBV_SIMO,SIMO listing`,
    ].join('\r\n');
    await file.setInputFiles({ name: 'mps-2026-11.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('#watchlist-preview tbody tr', { hasText: 'Valid' }).nth(1).waitFor();
    await checkAndShoot(page, 'watchlist-preview');
    await page.getByRole('button', { name: 'Import the list (2)' }).click();
    await expect.poll(() => page.locator('#watchlist-result').textContent()).toContain('Imported: 2');
    expect(await page.locator('#watchlist-result').textContent()).toContain('Wallets frozen: 1');
    // Through the API: the listed customer's wallet is frozen, a transfer to them refused.
    expect((await as(listed)('GET', `/v1/wallets/${listed.walletId}`)).json.status).toBe('FROZEN');
    const payer = held.payer;
    expectProblem(
      await as(payer)('POST', '/v1/transfers', {
        type: 'P2P',
        walletId: payer.walletId,
        toWalletId: listed.walletId,
        amount: 10_000,
      }),
      422,
      'payee-flagged',
    );

    // 4. Safeguarding: the figures and the chart of this session's readings.
    await page.getByRole('link', { name: 'Safeguarding' }).click();
    await page.locator('#safeguarding-now').waitFor();
    await checkAndShoot(page, 'safeguarding');

    // No page broke the content security policy or threw.
    expect(errors).toEqual([]);
  });

  it('a compliance officer records a law-enforcement request, reads reports and searches the audit trail', async () => {
    const [subject, officer] = await Promise.all([fundedCustomer(2 * M), staffUser(['compliance'])]);
    const { page, errors } = await openConsole(browser, 'en-GB');
    await signIn(page, officer);
    // Only the compliance group's pages are offered.
    expect(await page.getByRole('link', { name: 'Held cases' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Law enforcement' }).click();
    await page.getByLabel('Authority').fill('Cơ quan CSĐT Công an TP. Hà Nội');
    await page.getByLabel('Reference', { exact: true }).fill('CV-2026/118');
    await page.getByLabel("Subject's wallet id").fill(subject.walletId);
    await page.getByRole('button', { name: 'Record the request' }).click();
    await page.locator('#request-status').waitFor();
    expect(await page.locator('#request-status').textContent()).toBe('COMPLETED');
    await page.locator('table', { hasText: 'TOPUP' }).first().waitFor();
    await checkAndShoot(page, 'law-enforcement');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: `${screenshotDir}/law-enforcement-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#large-value').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).first().click();
    const csv = await (await download).path().then((p) => import('node:fs').then((fs) => fs.readFileSync(p!, 'utf8')));
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'transferId,type,amount,status,completedAt,sender,receiver',
    );
    await checkAndShoot(page, 'reports');

    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByLabel(/Subject/).fill(subject.walletId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#audit tr', { hasText: 'LAW_ENFORCEMENT_REQUEST' }).first().waitFor();
    await checkAndShoot(page, 'audit');
    expect(errors).toEqual([]);
  });
});
