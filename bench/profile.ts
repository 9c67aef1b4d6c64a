// Where the API's CPU goes: the V8 sampling profiler of the main thread (gateway, handlers, SDK)
// during one load run, self time grouped by package.
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

export interface ProfileShare {
  group: string;
  /** Share of the sampled CPU time of the main thread, idle excluded. */
  share: number;
}

/** Families of groups: the AWS SDK's many packages count as one. */
export function families(shares: ProfileShare[]): ProfileShare[] {
  const family = (g: string) =>
    g.startsWith('@aws-sdk/') || g.startsWith('@smithy/')
      ? 'AWS SDK v3 (@aws-sdk/*, @smithy/*)'
      : g.startsWith('@aws-lambda-powertools/')
        ? 'Powertools'
        : g;
  const totals = new Map<string, number>();
  for (const s of shares) totals.set(family(s.group), (totals.get(family(s.group)) ?? 0) + s.share);
  return [...totals.entries()].map(([group, share]) => ({ group, share })).sort((a, b) => b.share - a.share);
}

function groupOf(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' ? '(garbage collection)' : fn === '(idle)' ? '(idle)' : '(V8 / native)';
  if (url.startsWith('node:')) return 'Node.js core (http, crypto, streams…)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.includes('/functions/')) return 'wallet code (functions/)';
  if (url.includes('/local/')) return 'local gateway (local/)';
  if (url.includes('/bench/')) return 'bench harness (main thread)';
  return url;
}

/** Profiles the main thread while `work` runs. */
export async function profiled<T>(work: () => Promise<T>): Promise<{ result: T; shares: ProfileShare[] }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  let result: T;
  let profile: { nodes: ProfileNode[] };
  try {
    result = await work();
  } finally {
    ({ profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[] } });
    session.disconnect();
  }
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    const group = groupOf(node.callFrame.url, node.callFrame.functionName);
    totals.set(group, (totals.get(group) ?? 0) + (node.hitCount ?? 0));
  }
  totals.delete('(idle)');
  const all = [...totals.values()].reduce((s, n) => s + n, 0) || 1;
  const shares = [...totals.entries()]
    .map(([group, hits]) => ({ group, share: hits / all }))
    .sort((a, b) => b.share - a.share);
  return { result, shares };
}
