// Load generation: autocannon runs in a worker thread (its own event loop and core), so that the
// process serving the API is not also the one generating the load. One scenario per run.
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { Request } from 'autocannon';
import type { CommitPlan } from '../functions/core/domain/commit-plan.ts';
import type { Transfer } from '../functions/core/domain/transfer.ts';
import { derivePlan, deriveWaiting, type RawWallets, WireBuilder, wireHeaders } from './plans.ts';
import { type Summary, summarize } from './stats.ts';

export type Flow = 'p2p-own' | 'payment' | 'p2p-classb';

export interface ApiConnection {
  token: string;
  device: string;
  phone: string;
  walletId: string;
  /** P2P payee wallet, or the merchant's wallet (merchantId) of a payment. */
  toWalletId: string;
}

interface Common {
  name: string;
  url: string;
  connections: number;
  duration: number;
  flow: Flow;
}

export interface ApiScenario extends Common {
  target: 'api';
  amount: number;
  conns: ApiConnection[];
}

export interface RawScenario extends Common {
  target: 'raw';
  table: string;
  accessKeyId: string;
  region: string;
  /** The commit the API made for one flow (class B: the authorize commit). */
  template: CommitPlan;
  /** Class B: the commit that stored the waiting transfer (one item). */
  waiting?: CommitPlan;
  conns: RawWallets[];
}

export type Scenario = ApiScenario | RawScenario;

export interface StepResult {
  name: string;
  ok: number;
  statuses: Record<string, number>;
  /** API: the transfer status or problem code of each answer; raw: the DynamoDB error type. */
  outcomes: Record<string, number>;
  latency: Summary;
}

export interface LoadResult {
  name: string;
  target: 'api' | 'raw';
  flow: Flow;
  connections: number;
  seconds: number;
  /** Completed flows per second (a flow is one request, or create + OTP + authorize). */
  perSecond: number;
  /** Latency of one whole flow as the sum of its steps' medians etc. is not meaningful: per step. */
  steps: StepResult[];
  errors: number;
  timeouts: number;
  sample?: string;
}

// ---------------------------------------------------------------------------------------------
// Inside the worker.

type Ctx = Record<string, unknown> & { conn?: number };

function apiRequests(s: ApiScenario): { names: string[]; requests: Request[] } {
  const conn = (ctx: Ctx) => s.conns[(ctx.conn ?? 0) % s.conns.length]!;
  const headers = (c: ApiConnection, post: boolean) => ({
    'content-type': 'application/json',
    authorization: `Bearer ${c.token}`,
    'x-device-id': c.device,
    ...(post ? { 'idempotency-key': randomUUID() } : {}),
  });
  const outcome = (body: string): string => {
    try {
      const json = JSON.parse(body) as { status?: unknown; code?: string };
      return json.code ?? String(json.status);
    } catch {
      return 'unparsable';
    }
  };
  const create = (flow: Flow): Request => ({
    method: 'POST',
    path: '/v1/transfers',
    setupRequest: (req, ctx) => {
      const c = conn(ctx as Ctx);
      const body =
        flow === 'payment'
          ? { type: 'PAYMENT', walletId: c.walletId, merchantId: c.toWalletId, amount: s.amount }
          : { type: 'P2P', walletId: c.walletId, toWalletId: c.toWalletId, amount: s.amount };
      return { ...req, headers: headers(c, true), body: JSON.stringify(body) };
    },
    onResponse: (status, body, ctx) => {
      ctx.outcome = outcome(body);
      if (status !== 201) return;
      const t = JSON.parse(body) as { transferId: string; authentication?: { challengeId: string } };
      ctx.transferId = t.transferId;
      ctx.challengeId = t.authentication?.challengeId;
    },
  });
  if (s.flow !== 'p2p-classb') return { names: ['create'], requests: [create(s.flow)] };
  return {
    names: ['create', 'otp (sandbox SMS)', 'authorize'],
    requests: [
      create(s.flow),
      {
        method: 'GET',
        setupRequest: (req, ctx) => {
          if (!ctx.challengeId) return null;
          const c = conn(ctx as Ctx);
          return {
            ...req,
            headers: {},
            path: `/sandbox/sms?phoneNumber=${encodeURIComponent(c.phone)}&reference=${String(ctx.challengeId)}`,
          };
        },
        onResponse: (status, body, ctx) => {
          ctx.outcome = status === 200 ? 'ok' : outcome(body);
          if (status !== 200) return;
          const items = (JSON.parse(body) as { items: { otp?: string }[] }).items;
          ctx.otp = items.find((m) => m.otp)?.otp;
        },
      },
      {
        method: 'POST',
        setupRequest: (req, ctx) => {
          if (!ctx.otp) return null;
          const c = conn(ctx as Ctx);
          return {
            ...req,
            path: `/v1/transfers/${String(ctx.transferId)}/authorize`,
            headers: headers(c, false),
            body: JSON.stringify({ otp: ctx.otp }),
          };
        },
        onResponse: (_status, body, ctx) => {
          ctx.outcome = outcome(body);
        },
      },
    ],
  };
}

function rawRequests(s: RawScenario): { names: string[]; requests: Request[] } {
  const wire = new WireBuilder(s.table);
  const conns = s.conns.map((c) => ({ ...c }));
  const state = (ctx: Ctx) => conns[(ctx.conn ?? 0) % conns.length]!;
  const errorType = (status: number, body: string) => {
    if (status === 200) return 'ok';
    try {
      return String((JSON.parse(body) as { __type?: string }).__type ?? status).replace(/^.*#/, '');
    } catch {
      return String(status);
    }
  };
  const commit: Request = {
    method: 'POST',
    path: '/',
    setupRequest: (req, ctx) => {
      const waiting = ctx.waiting as Transfer | undefined;
      if (s.flow === 'p2p-classb' && !waiting) return null;
      const derived = derivePlan(s.template, state(ctx as Ctx), new Date(), waiting);
      ctx.after = derived.after;
      const request = wire.commit(derived.plan);
      return { ...req, headers: wireHeaders(request.target, s.accessKeyId, s.region), body: request.body };
    },
    onResponse: (status, body, ctx) => {
      ctx.outcome = errorType(status, body);
      if (status === 200) (ctx.after as () => void)();
    },
  };
  if (s.flow !== 'p2p-classb') return { names: ['TransactWriteItems (commit)'], requests: [commit] };
  const put: Request = {
    method: 'POST',
    path: '/',
    setupRequest: (req, ctx) => {
      const { plan, waiting } = deriveWaiting(s.waiting!, state(ctx as Ctx), new Date());
      ctx.pending = waiting;
      ctx.waiting = undefined;
      const request = wire.commit(plan);
      return { ...req, headers: wireHeaders(request.target, s.accessKeyId, s.region), body: request.body };
    },
    onResponse: (status, body, ctx) => {
      ctx.outcome = errorType(status, body);
      if (status === 200) ctx.waiting = ctx.pending;
    },
  };
  return {
    names: ['TransactWriteItems (waiting transfer)', 'TransactWriteItems (authorize commit)'],
    requests: [put, commit],
  };
}

export async function runInWorker(s: Scenario): Promise<LoadResult> {
  const { default: autocannon } = await import('autocannon');
  const { names, requests } = s.target === 'api' ? apiRequests(s) : rawRequests(s);
  const latencies = names.map(() => [] as number[]);
  const statuses = names.map(() => ({}) as Record<string, number>);
  const outcomes = names.map(() => ({}) as Record<string, number>);
  let sample: string | undefined;
  let nextConn = 0;
  const instance = autocannon({
    url: s.url,
    connections: s.connections,
    duration: s.duration,
    pipelining: 1,
    timeout: 30,
    requests: requests.map((r) => ({
      ...r,
      onResponse: (status, body, ctx, headers) => {
        r.onResponse?.(status, body, ctx, headers);
        if ((status < 200 || status >= 300) && !sample) sample = `${status} ${body.slice(0, 300)}`;
      },
    })),
    setupClient: (client) => {
      const conn = nextConn++;
      client.requestIterator.initialContext = { conn };
      client.requestIterator.context = { conn };
      client.requestIterator.rebuildRequest();
      client.on('response', (status: number, _bytes: number, ms: number) => {
        const step = client.requestIterator.currentRequestIndex;
        const outcome = String(client.requestIterator.context.outcome ?? status);
        latencies[step]?.push(ms);
        const st = statuses[step];
        const oc = outcomes[step];
        if (st) st[status] = (st[status] ?? 0) + 1;
        if (oc) oc[outcome] = (oc[outcome] ?? 0) + 1;
      });
    },
  });
  const result = await instance;
  const steps: StepResult[] = names.map((name, i) => ({
    name,
    ok: Object.entries(statuses[i]!).reduce((n, [code, count]) => n + (code.startsWith('2') ? count : 0), 0),
    statuses: statuses[i]!,
    outcomes: outcomes[i]!,
    latency: summarize(latencies[i]!),
  }));
  const completed = steps.at(-1)!.ok;
  return {
    name: s.name,
    target: s.target,
    flow: s.flow,
    connections: s.connections,
    seconds: result.duration,
    perSecond: completed / result.duration,
    steps,
    errors: result.errors,
    timeouts: result.timeouts,
    ...(sample ? { sample } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// From the main thread.

let worker: Worker | undefined;
let pending: { resolve: (r: LoadResult) => void; reject: (e: Error) => void } | undefined;

/**
 * Runs one scenario in the load worker. The worker lives for the whole run: it loads the wallet's
 * modules once (the raw-engine baseline builds its bodies with the ledger adapter).
 */
export function runLoad(s: Scenario): Promise<LoadResult> {
  if (!worker) {
    worker = new Worker(new URL('./load-worker.ts', import.meta.url));
    worker.unref();
    worker.on('message', (m: { result?: LoadResult; error?: string }) => {
      const p = pending;
      pending = undefined;
      if (m.result) p?.resolve(m.result);
      else p?.reject(new Error(m.error));
    });
    worker.on('error', (error) => {
      pending?.reject(error);
      pending = undefined;
      worker = undefined;
    });
  }
  return new Promise((resolve, reject) => {
    pending = { resolve, reject };
    worker!.postMessage(s);
  });
}

export async function stopLoadWorker(): Promise<void> {
  await worker?.terminate();
  worker = undefined;
}
