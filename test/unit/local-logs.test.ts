import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../functions/core/observability/logger.ts';
import { requestLine } from '../../local/gateway.ts';

// The local runtime talks to people (docs/local-runtime.md "Logs"): one readable line per request,
// readable records otherwise; in AWS the same logger writes Powertools' structured JSON.

describe('the local request line', () => {
  it('says method, path, status and milliseconds, and the problem code of an error', () => {
    expect(requestLine('GET', '/health', 200, 3.4, '{"status":"ok"}')).toBe('GET /health 200 3 ms');
    const problem = JSON.stringify({
      type: '/problems/monthly-limit-exceeded',
      status: 422,
      code: 'monthly-limit-exceeded',
    });
    expect(requestLine('POST', '/v1/transfers', 422, 8.2, Buffer.from(problem))).toBe(
      'POST /v1/transfers 422 8 ms monthly-limit-exceeded',
    );
    expect(requestLine('POST', '/v1/transfers', 500, 1, 'not json')).toBe('POST /v1/transfers 500 1 ms');
  });

  it('carries no query string and no phone number', () => {
    expect(requestLine('GET', '/sandbox/sms?phoneNumber=0912345678&reference=R', 200, 5, '')).toBe(
      'GET /sandbox/sms 200 5 ms',
    );
    expect(requestLine('GET', '/v1/people/0912345678', 404, 1, '')).not.toContain('0912345678');
  });
});

describe('the logger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete process.env.LOG_FORMAT;
  });

  it('writes one readable line per record with LOG_FORMAT=text, personal data masked', () => {
    process.env.LOG_FORMAT = 'text';
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    logger.info('sign-in from a new device', { phoneNumber: '0912345678', password: 'Str0ng!pass' });
    logger.warn('re-enqueued transfers stuck in PROCESSING', { count: 2 });
    expect(out.mock.calls).toEqual([
      ['INFO sign-in from a new device {"phoneNumber":"***678","password":"[redacted]"}'],
    ]);
    expect(err.mock.calls).toEqual([['WARN re-enqueued transfers stuck in PROCESSING {"count":2}']]);
  });

  it('writes structured JSON otherwise, as in AWS', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    logger.info('request', { route: 'GET /health', status: 200 });
    const record = JSON.parse(lines.join('').trim().split('\n').at(-1)!);
    expect(record).toMatchObject({ level: 'INFO', message: 'request', route: 'GET /health', status: 200 });
  });
});
