import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { api } from './client.ts';

// The local runtime talks to people (docs/local-runtime.md "Logs"): one readable line per request,
// the problem code on errors, and no warning per request. Its output is the e2e runtime's log.
describe.skipIf(!inject('runtimeLog'))('the local runtime log', () => {
  it('has one readable line per request, with the problem code of an error, and no per-request noise', async () => {
    const probe = '/v1/no-such-route'; // no digits: the line masks digit runs that look like numbers
    expect((await api('GET', '/health')).status).toBe(200);
    expect((await api('GET', probe)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    const log = readFileSync(inject('runtimeLog'), 'utf8').split('\n');
    expect(log).toContainEqual(expect.stringMatching(/^GET \/health 200 \d+ ms$/));
    expect(log).toContainEqual(expect.stringMatching(new RegExp(`^GET ${probe} 404 \\d+ ms not-found$`)));
    expect(log.filter((l) => l.includes('No application metrics to publish'))).toEqual([]);
    expect(log.filter((l) => l.startsWith('{') && l.includes('"message":"request"'))).toEqual([]);
  });
});
