// What one DynamoDB call costs the local engine: latency, and CPU of DynamoDB Local's JVM and of
// this process's main thread (the SDK's per-call work). The variants run in turn, in blocks of
// sequential calls, several passes over all of them (a drift in the machine's other load then
// weighs on every variant alike); the JVM's idle rate (the stream poller's GetRecords every
// 50 ms) is measured first and subtracted.
import { type Summary, summarize } from './stats.ts';

export interface CallCost {
  label: string;
  /** Keys read or items written by one call. */
  keys: number;
  latency: Summary;
  /** CPU per call: DynamoDB Local's JVM (idle rate subtracted), this process's main thread. */
  jvmMs: number;
  mainThreadMs: number;
}

export interface Variant {
  label: string;
  keys: number;
  call: () => Promise<unknown>;
}

/** CPU seconds per second DynamoDB Local's JVM spends while nothing is asked of it. */
async function idleJvmRate(jvmSeconds: () => number, ms = 2_000): Promise<number> {
  const j0 = jvmSeconds();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return (jvmSeconds() - j0) / ((performance.now() - t0) / 1000);
}

export async function callCosts(
  variants: Variant[],
  options: { iterations: number; jvmSeconds: () => number; passes?: number },
): Promise<CallCost[]> {
  const passes = options.passes ?? 3;
  const idleRate = await idleJvmRate(options.jvmSeconds);
  for (const v of variants) for (let i = 0; i < 20; i++) await v.call();
  const acc = variants.map(() => ({ ms: [] as number[], jvm: 0, main: 0, wall: 0 }));
  const perPass = Math.max(1, Math.round(options.iterations / passes));
  for (let pass = 0; pass < passes; pass++) {
    for (const [n, v] of variants.entries()) {
      const a = acc[n]!;
      const jvm0 = options.jvmSeconds();
      const main0 = process.threadCpuUsage();
      const wall0 = performance.now();
      for (let i = 0; i < perPass; i++) {
        const t = performance.now();
        await v.call();
        a.ms.push(performance.now() - t);
      }
      const wall = (performance.now() - wall0) / 1000;
      const main = process.threadCpuUsage(main0);
      a.jvm += options.jvmSeconds() - jvm0 - idleRate * wall;
      a.main += (main.user + main.system) / 1e6;
      a.wall += wall;
    }
  }
  return variants.map((v, n) => {
    const a = acc[n]!;
    return {
      label: v.label,
      keys: v.keys,
      latency: summarize(a.ms),
      jvmMs: (a.jvm * 1000) / a.ms.length,
      mainThreadMs: (a.main * 1000) / a.ms.length,
    };
  });
}
