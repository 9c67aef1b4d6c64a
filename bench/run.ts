// `npm run bench`: throughput and latency of the HTTP API against the raw engine in the same run,
// capacity units per operation, cold start per bundle, the risk engine's cost and a contention
// test on one merchant. Prints ratios and counts, never pass/fail (DESIGN.md "Quality bars").
// BENCH_QUICK=1: a short smoke run. See docs/performance.md for what the figures mean.
import './env.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { keys } from '../functions/core/adapters/dynamodb/keys.ts';
import { container, overrideServices, type Services } from '../functions/core/container.ts';
import { hanoiHour } from '../functions/core/domain/risk/index.ts';
import type { Transfer } from '../functions/core/domain/transfer.ts';
import type { Wallet } from '../functions/core/domain/wallet.ts';
import type { CommitOutcome, CommitPlan } from '../functions/core/ports/ledger.ts';
import { backoff } from '../functions/core/use-cases/transfers/post.ts';
import { settleTransfer } from '../functions/core/use-cases/transfers/settle.ts';
import { startEngines } from '../local/engines.ts';
import { startGateway } from '../local/gateway.ts';
import { type Customer, type Funded, type Merchant, pool, WalletClient } from './client.ts';
import { type BundleResult, measureBundles } from './coldstart.ts';
import { deferredCredit } from './deferred-credit.ts';
import {
  type Call,
  installMeter,
  itemSize,
  meter,
  probeLocalCapacity,
  resetCounters,
  sequentialRounds,
  traced,
} from './instrument.ts';
import { type ApiConnection, type Flow, type LoadResult, runLoad, stopLoadWorker } from './load.ts';
import { derivePlan, deriveWaiting, itemSetSignature, type RawWallets, WireBuilder } from './plans.ts';
import { families, type ProfileShare, profiled } from './profile.ts';
import { measureAssess, measureEvaluate } from './risk.ts';
import { fixed, type Summary, summarize, table } from './stats.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const config = {
  quick: QUICK,
  levels: (process.env.BENCH_LEVELS ?? (QUICK ? '1,8' : '1,8,32')).split(',').map(Number),
  /** Seconds per load run. */
  duration: Number(process.env.BENCH_DURATION ?? (QUICK ? 2 : 5)),
  warmup: 1,
  coldRuns: Number(process.env.BENCH_COLD_RUNS ?? (QUICK ? 3 : 10)),
  evaluateIterations: QUICK ? 20_000 : 100_000,
  assessIterations: QUICK ? 100 : 300,
  /** VND per P2P transfer, per payment (not a round amount: see the merchantRoundAmounts rule). */
  p2pAmount: 1_000,
  paymentAmount: 1_234,
};
const maxLevel = Math.max(...config.levels);
/** Customers (and merchants): one per connection at the highest level; two at least (class B pays another owner). */
const population = Math.max(2, maxLevel);

/**
 * On-demand prices of ap-southeast-1 (Singapore), Standard table class, USD per million request
 * units: AWS's $1.425 per million WRU and $0.285 per million RRU, halved by the on-demand price
 * cut of 1 November 2024. Not re-checked on the run date (the machine has no network access):
 * override with BENCH_PRICE_WRU / BENCH_PRICE_RRU after checking aws.amazon.com/dynamodb/pricing/on-demand/.
 */
const prices = {
  region: 'ap-southeast-1',
  tableClass: 'Standard',
  usdPerMillionWru: Number(process.env.BENCH_PRICE_WRU ?? 0.7125),
  usdPerMillionRru: Number(process.env.BENCH_PRICE_RRU ?? 0.1425),
  source:
    process.env.BENCH_PRICE_WRU || process.env.BENCH_PRICE_RRU
      ? 'BENCH_PRICE_WRU / BENCH_PRICE_RRU'
      : 'AWS on-demand price list for Asia Pacific (Singapore) after the 2024-11-01 50% on-demand reduction; not re-checked on the run date (no network access)',
};

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Waits until this process has made no DynamoDB call for 300 ms: requests a load run left in the
 * gateway (the load generator stops waiting for them, the handlers do not) finish before the next
 * measurement starts.
 */
async function quiesce(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const calls = meter.calls;
    await sleep(300);
    if (meter.calls === calls) return;
  }
}
const root = fileURLToPath(new URL('../', import.meta.url));

function sh(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    return ((error as { stderr?: string }).stderr ?? String(error)).trim();
  }
}

function javaVersion(): string {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return `${r.stderr}${r.stdout}`.trim().split('\n')[0] ?? 'unknown';
}

const clockTicks = Number(sh('getconf', ['CLK_TCK'])) || 100;

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return Number.NaN;
  }
}

export interface Usage {
  /** Cores used on average by DynamoDB Local's JVM, and by this Node process (handlers + load worker). */
  jvmCores: number;
  nodeCores: number;
  /** Cores used by the main thread alone: the gateway, the handlers and the SDK (not the load worker). */
  mainThreadCores: number;
  /** Share of the time the main thread's event loop was busy (runnable time included). */
  mainLoopBusy: number;
}

let jvmPid = -1;

/** Runs `work` and reports how busy the engine and the Node process were meanwhile. */
async function withUsage<T>(work: () => Promise<T>): Promise<T & { usage: Usage }> {
  const wall0 = performance.now();
  const jvm0 = cpuSeconds(jvmPid);
  const node0 = process.cpuUsage();
  const main0 = process.threadCpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const result = await work();
  const wall = (performance.now() - wall0) / 1000;
  const node = process.cpuUsage(node0);
  const main = process.threadCpuUsage(main0);
  return {
    ...result,
    usage: {
      jvmCores: (cpuSeconds(jvmPid) - jvm0) / wall,
      nodeCores: (node.user + node.system) / 1e6 / wall,
      mainThreadCores: (main.user + main.system) / 1e6 / wall,
      mainLoopBusy: performance.eventLoopUtilization(elu0).utilization,
    },
  };
}

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    date: new Date().toISOString(),
    nproc: Number(sh('nproc', [])) || cpus().length,
    cpu: model,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    java: javaVersion(),
    os: sh('uname', ['-sr']),
    loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(2))),
  };
}

// ---------------------------------------------------------------------------------------------
// The commit path: the ledger instance every use case shares is wrapped to count the outcomes
// (a `stale` outcome is one optimistic-lock retry) and, on demand, capture the plans it commits.

const commits = { committed: 0, stale: 0, other: 0 };
let capturing: { plans: CommitPlan[]; waiting: Transfer[] } | undefined;
let commitDirect: (plan: CommitPlan) => Promise<CommitOutcome>;

function wrapLedger(services: Services) {
  const ledger = services.ledger;
  const commit = ledger.commit.bind(ledger);
  const createTransfer = ledger.createTransfer.bind(ledger);
  commitDirect = commit;
  ledger.commit = async (plan) => {
    if (capturing) capturing.plans.push(structuredClone(plan));
    const outcome = await commit(plan);
    if (outcome === 'committed') commits.committed++;
    else if (outcome === 'stale') commits.stale++;
    else commits.other++;
    return outcome;
  };
  ledger.createTransfer = async (t) => {
    if (capturing) capturing.waiting.push(structuredClone(t));
    return createTransfer(t);
  };
}

async function capture<T>(work: () => Promise<T>) {
  capturing = { plans: [], waiting: [] };
  try {
    const result = await work();
    return { result, ...capturing };
  } finally {
    capturing = undefined;
  }
}

// ---------------------------------------------------------------------------------------------

interface OpCapacity {
  operation: string;
  calls: number;
  /** DynamoDB round trips one after the other on the request path (sandbox stand-ins included). */
  rounds: number;
  commands: Record<string, number>;
  /** Production figures (sandbox stand-ins left out): RRU as reported, WRU as AWS bills them. */
  rru: number;
  wru: number;
  /** WCU DynamoDB Local reported (undercounts multi-item transactions). */
  wcuReportedByLocal: number;
  sandbox: { calls: number; rru: number; wru: number };
  usdPerMillion: number;
  trace: Call[];
}

function aggregate(operation: string, calls: Call[]): OpCapacity {
  const out: OpCapacity = {
    operation,
    calls: 0,
    rounds: sequentialRounds(calls),
    commands: {},
    rru: 0,
    wru: 0,
    wcuReportedByLocal: 0,
    sandbox: { calls: 0, rru: 0, wru: 0 },
    usdPerMillion: 0,
    trace: calls,
  };
  for (const c of calls) {
    // A write refused by its condition is billed like a write (1 WRU per KB; our items are < 1 KB).
    const wru = c.wruModel ?? (c.error === 'ConditionalCheckFailedException' ? 1 : c.wcu);
    out.wcuReportedByLocal += c.wcu;
    if (c.sandbox) {
      out.sandbox.calls++;
      out.sandbox.rru += c.rcu;
      out.sandbox.wru += wru;
      continue;
    }
    out.calls++;
    out.commands[c.command] = (out.commands[c.command] ?? 0) + 1;
    out.rru += c.rcu;
    out.wru += wru;
  }
  out.usdPerMillion = out.rru * prices.usdPerMillionRru + out.wru * prices.usdPerMillionWru;
  return out;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const info = machine();
  log(`vn-ewallet-core bench${QUICK ? ' (BENCH_QUICK)' : ''}: ${info.nproc} cores, ${info.cpu}, ${info.node}`);
  log(`levels ${config.levels.join('/')} connections, ${config.duration}s per run, cold start ${config.coldRuns} runs`);
  const results: Record<string, unknown> = { machine: info, config, prices };

  // 1. Cold start, before anything else runs on the machine.
  log('cold start: building every Lambda bundle as cdk synth does, then timing imports');
  const bundles: BundleResult[] =
    config.coldRuns > 0
      ? await measureBundles({ runs: config.coldRuns, outDir: join(root, '.cache', 'bench-bundles'), progress: log })
      : [];
  results.coldStart = bundles;

  // 2. The runtime: the engines and the gateway of startRuntime(), without the settlement poller,
  // so that settlement is measured on its own (settleTransfer is what the poller's handler runs).
  log('starting DynamoDB Local, fauxqs, cognito-local and the local API gateway');
  mkdirSync(join(root, '.cache'), { recursive: true });
  const engines = await startEngines({ log: join(root, '.cache', 'bench-engines.log') });
  Object.assign(process.env, engines.env);
  jvmPid = engines.engines.find((e) => e.name === 'dynamodb')?.pid ?? -1;
  const gateway = await startGateway({
    port: 0,
    issuer: engines.env.COGNITO_ISSUER!,
    jwksUrl: engines.env.COGNITO_JWKS_URL!,
    clientId: engines.env.USER_POOL_CLIENT_ID!,
    sandbox: true,
  });
  try {
    await benchRuntime(gateway.url, engines.env, results, bundles);
  } finally {
    await stopLoadWorker();
    await gateway.close();
    await engines.stop();
  }
}

async function benchRuntime(
  url: string,
  env: Record<string, string>,
  results: Record<string, unknown>,
  bundles: BundleResult[],
) {
  installMeter();
  // The merchant-night rule (RULES.md §7) steps every payment to a busy merchant up to class C
  // between 00:00 and 05:00 Hanoi time; run at night, the services' clock is moved to the morning.
  const hour = hanoiHour(new Date());
  const shiftMs = hour < 5 ? 6 * 3_600_000 : 0;
  if (shiftMs) overrideServices({ clock: { now: () => new Date(Date.now() + shiftMs) } });
  const services = container();
  wrapLedger(services);
  results.clockShiftHours = shiftMs / 3_600_000;
  if (shiftMs) log(`Hanoi time is ${hour}:xx: the services' clock runs 6 h ahead (merchant-night rule)`);

  const table = env.WALLET_TABLE_NAME!;
  const rawDoc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const client = new WalletClient(url);
  const settle = async (transferId: string) => {
    await settleTransfer(container(), transferId);
  };

  const probe = await probeLocalCapacity(table);
  results.localCapacityProbe = probe;
  log(probe.note);

  // 3. The population.
  log(`creating ${population} funded customers (two linked wallets each) and ${population + 1} merchants`);
  const customers: Funded[] = await pool(population, 8, () => client.fundedCustomer(10_000_000, settle));
  const merchants: Merchant[] = await pool(population + 1, 8, () => client.merchant());
  const hot = merchants.pop()!;
  log(`population ready (${customers.length} customers, ${merchants.length} + 1 merchants)`);

  // 4. Capacity units per operation, each alone with the counter reset around it.
  log('capacity units per operation (ReturnConsumedCapacity TOTAL; transactional writes modelled)');
  const capacity = await measureCapacity(client, customers, merchants, settle);
  results.capacity = capacity;

  // 5. The risk engine's cost.
  log('risk engine: evaluateRisk (pure) and assessRisk (one BatchGetItem)');
  const evaluate = measureEvaluate(config.evaluateIterations);
  const payerCustomer = (await services.store.getCustomer(customers[0]!.customerId))!;
  const payerWallet = (await services.wallets.get(customers[0]!.walletId))!;
  const merchantWallet = (await services.wallets.get(merchants[0]!.walletId))!;
  const riskTransfer: Transfer = {
    transferId: ulid(),
    type: 'PAYMENT',
    status: 'REQUIRES_AUTHENTICATION',
    walletId: payerWallet.walletId,
    customerId: payerCustomer.customerId,
    customerKind: 'INDIVIDUAL',
    amount: config.paymentAmount,
    group: 'I.2',
    class: 'A',
    deviceId: customers[0]!.device,
    toWalletId: merchantWallet.walletId,
    merchantId: merchantWallet.walletId,
    createdAt: services.clock.now().toISOString(),
  };
  const assess = await measureAssess(
    services,
    { customer: payerCustomer, payer: payerWallet, payee: merchantWallet, transfer: riskTransfer },
    config.assessIterations,
  );
  const riskCalls = riskCallsOf(capacity);
  results.risk = { evaluateMicroseconds: evaluate, assessMilliseconds: assess, extraCalls: riskCalls };
  log(
    `evaluateRisk p50 ${fixed(evaluate.p50, 2)} µs p99 ${fixed(evaluate.p99, 2)} µs; assessRisk p50 ${fixed(assess.p50, 2)} ms p99 ${fixed(assess.p99, 2)} ms`,
  );

  // 6. Throughput and latency: the API and the raw engine, flow by flow, level by level.
  const load: (LoadResult & { usage: Usage })[] = [];
  const itemSets: Record<string, { api: string[]; raw: string[]; identical: boolean }> = {};
  const ddbUrl = env.AWS_ENDPOINT_URL_DYNAMODB!;
  const wire = new WireBuilder(table);
  const flows: Flow[] = ['p2p-own', 'payment', 'p2p-classb'];
  for (const flow of flows) {
    const conns = (n: number): ApiConnection[] =>
      customers.slice(0, n).map((c, i) => ({
        token: c.token,
        device: c.device,
        phone: c.phone,
        walletId: c.walletId,
        toWalletId:
          flow === 'p2p-own'
            ? c.secondWalletId
            : flow === 'payment'
              ? merchants[i]!.walletId
              : customers[(i + 1) % customers.length]!.secondWalletId,
      }));
    const amount = flow === 'payment' ? config.paymentAmount : config.p2pAmount;
    // The item set the API commits for this flow, captured from one real request.
    const c0 = customers[0]!;
    const sample = conns(1)[0]!;
    const captured = await capture(async () => {
      const r = await client.transfer(
        c0,
        flow === 'payment'
          ? { type: 'PAYMENT', walletId: c0.walletId, merchantId: sample.toWalletId, amount }
          : { type: 'P2P', walletId: c0.walletId, toWalletId: sample.toWalletId, amount },
      );
      if (r.status !== 201) throw new Error(`${flow}: ${r.status} ${JSON.stringify(r.json)}`);
      if (flow !== 'p2p-classb') return r.json;
      const otp = await client.otpFor(c0.phone, r.json.authentication.challengeId);
      const a = await client.call('POST', `/v1/transfers/${r.json.transferId}/authorize`, {
        customer: c0,
        body: { otp },
      });
      if (a.status !== 200) throw new Error(`authorize: ${a.status} ${JSON.stringify(a.json)}`);
      return a.json;
    });
    const template = captured.plans.at(-1)!;
    const waiting = flow === 'p2p-classb' ? captured.waiting.at(-1) : undefined;
    const payeeSource = flow === 'p2p-own' ? c0.secondWalletId : sample.toWalletId;
    const rawConns = async (n: number) => rawWallets(rawDoc, table, n, c0.walletId, payeeSource);
    // Check: the raw engine's item set is the API's (operations, keys, conditions, attributes).
    const probeConn = (await rawConns(1))[0]!;
    const now = new Date();
    const probeWaiting = waiting ? deriveWaiting(waiting, probeConn, now) : undefined;
    const apiSet = itemSetSignature(wire.commit(template).input);
    const rawSet = itemSetSignature(wire.commit(derivePlan(template, probeConn, now, probeWaiting).plan).input);
    if (waiting && probeWaiting) {
      apiSet.unshift(...itemSetSignature(wire.createTransfer(waiting).input));
      rawSet.unshift(...itemSetSignature(wire.createTransfer(probeWaiting).input));
    }
    const identical = JSON.stringify(apiSet) === JSON.stringify(rawSet);
    itemSets[flow] = { api: apiSet, raw: rawSet, identical };
    log(
      `${flow}: the API commits ${apiSet.length} item(s) per transfer; raw engine item set identical: ${identical ? 'yes' : 'NO'}`,
    );

    const base = { flow, duration: config.duration };
    const apiScenario = (n: number, duration = config.duration) => ({
      ...base,
      duration,
      target: 'api' as const,
      name: `${flow} api c${n}`,
      url,
      connections: n,
      amount,
      conns: conns(n),
    });
    const rawScenario = async (n: number, duration = config.duration) => ({
      ...base,
      duration,
      target: 'raw' as const,
      name: `${flow} raw c${n}`,
      url: ddbUrl,
      connections: n,
      table,
      accessKeyId: env.AWS_ACCESS_KEY_ID!,
      region: env.AWS_REGION!,
      template,
      ...(waiting ? { waiting } : {}),
      conns: await rawConns(n),
    });
    await runLoad(apiScenario(Math.min(8, maxLevel), config.warmup));
    await runLoad(await rawScenario(Math.min(8, maxLevel), config.warmup));
    for (const n of config.levels) {
      for (const target of ['api', 'raw'] as const) {
        await quiesce();
        resetCounters();
        const stale = commits.stale;
        const scenario = target === 'api' ? apiScenario(n) : await rawScenario(n);
        const r = await withUsage(() => runLoad(scenario));
        const last = r.steps.at(-1)!;
        load.push(r);
        log(
          `${r.name.padEnd(22)} ${fixed(r.perSecond).padStart(7)} flows/s  p50 ${fixed(last.latency.p50).padStart(6)} ms  p99 ${fixed(last.latency.p99).padStart(6)} ms  ${
            target === 'api' ? `stale retries ${commits.stale - stale}` : ''
          }  JVM ${fixed(r.usage.jvmCores, 2)} cores, main thread ${fixed(r.usage.mainThreadCores, 2)}${r.sample ? `  first non-2xx: ${r.sample.slice(0, 120)}` : ''}`,
        );
      }
    }
  }
  results.load = load;
  results.itemSets = itemSets;

  // Where the API's CPU goes: one more class A own-wallet run, profiled (not in the table above).
  const profileConns = Math.min(8, maxLevel);
  const { shares: cpuProfile } = await profiled(() =>
    runLoad({
      target: 'api',
      flow: 'p2p-own',
      name: `p2p-own api c${profileConns} (profiled)`,
      url,
      connections: profileConns,
      duration: Math.min(3, config.duration),
      amount: config.p2pAmount,
      conns: customers.slice(0, profileConns).map((c) => ({
        token: c.token,
        device: c.device,
        phone: c.phone,
        walletId: c.walletId,
        toWalletId: c.secondWalletId,
      })),
    }),
  );
  await quiesce();
  results.cpuProfile = { families: families(cpuProfile), packages: cpuProfile };
  log(
    `API main-thread CPU: ${families(cpuProfile)
      .slice(0, 5)
      .map((p) => `${p.group} ${(p.share * 100).toFixed(0)}%`)
      .join(', ')}`,
  );

  // 7. Contention: many payers, one merchant.
  log(`contention: ${maxLevel} payers paying one merchant`);
  const contention = await measureContention(url, customers, merchants, hot, rawDoc, table);
  results.contention = contention;

  results.finishedAt = new Date().toISOString();
  results.seconds = Math.round((Date.now() - started) / 1000);
  (results.machine as { loadAverageAtEnd?: number[] }).loadAverageAtEnd = loadavg().map((l) => Number(l.toFixed(2)));
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, stripTraces, 2)}\n`);
  printReport(results, load, capacity, bundles, evaluate, assess, riskCalls, contention, itemSets, cpuProfile);
  log(`done in ${results.seconds}s; results in bench/results.json`);
}

/** Traces are long: results.json keeps them for transfers only. */
function stripTraces(key: string, value: unknown) {
  if (key === 'trace' && Array.isArray(value)) return value.length > 40 ? `${value.length} calls` : value;
  return value;
}

// ---------------------------------------------------------------------------------------------

async function rawWallets(
  doc: DynamoDBDocumentClient,
  table: string,
  n: number,
  payerSource: string,
  payeeSource: string,
): Promise<RawWallets[]> {
  const read = async (walletId: string) =>
    (await doc.send(new GetCommand({ TableName: table, Key: keys.wallet(walletId), ConsistentRead: true }))).Item!;
  const [payerItem, payeeItem] = await Promise.all([read(payerSource), read(payeeSource)]);
  const copy = async (item: Record<string, unknown>, balance: number): Promise<Wallet> => {
    const walletId = `BR${ulid()}`;
    const { counterDay: _d, counters: _c, ...rest } = item;
    const wallet = { ...rest, ...keys.wallet(walletId), walletId, balance, version: 0 };
    await doc.send(new PutCommand({ TableName: table, Item: wallet }));
    const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...plain } = wallet as Record<string, unknown>;
    return plain as unknown as Wallet;
  };
  return Promise.all(
    Array.from({ length: n }, async () => ({
      payer: await copy(payerItem, 1_000_000_000_000),
      payee: await copy(payeeItem, 0),
      customerId: `BENCHRAW${ulid()}`,
    })),
  );
}

// ---------------------------------------------------------------------------------------------

async function measureCapacity(
  client: WalletClient,
  customers: Funded[],
  merchants: Merchant[],
  settle: (id: string) => Promise<void>,
): Promise<OpCapacity[]> {
  const ops: OpCapacity[] = [];
  const measure = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    await sleep(50);
    const { result, calls } = await traced(work);
    ops.push(aggregate(operation, calls));
    return result;
  };
  // Onboarding, each step once (as a customer does it).
  const phone = client.newPhone();
  const registrationId = await measure('registration (POST /v1/registrations)', () => client.startRegistration(phone));
  const otp = await client.otpFor(phone, registrationId);
  const password = 'Str0ng!pass-bench';
  const device = `bench-${ulid()}`;
  const customerId = await measure('confirm (POST …/confirm)', () =>
    client.confirm(registrationId, otp, password, device),
  );
  const token = await measure('sign-in (POST /v1/sessions)', () => client.signIn(phone, password, device));
  const c: Customer = { phone, password, device, customerId, token, identity: client.newIdentity() };
  const assertion = await client.assertion(c.identity);
  await measure('KYC (POST /v1/me/kyc)', () => client.kyc(c, assertion));
  const walletId = await measure('wallet open (POST /v1/wallets)', () => client.openWallet(c));
  const account = await client.bankAccount(c.identity.fullName, c.identity.idNumber);
  const linkId = await measure('link (POST …/links)', () => client.link(c, walletId, account));

  // Money movement: a first pass warms every item up (risk profiles, monthly counters are created
  // on a wallet's first movement); the second pass is measured: the steady state.
  const other = customers[1]!;
  const merchant = merchants[0]!;
  for (const pass of ['warm-up', 'measured'] as const) {
    const m = pass === 'measured' ? measure : <T>(_: string, work: () => Promise<T>): Promise<T> => work();
    const topUp = await m('TOPUP create (class A, linked bank)', () =>
      client.expect(201, client.transfer(c, { type: 'TOPUP', walletId, linkId, amount: 5_000_000 }), 'top-up'),
    );
    await m('TOPUP settlement (settleTransfer)', () => settle(topUp.json.transferId));
    const withdrawal = await m('WITHDRAWAL create (class A, linked bank)', () =>
      client.expect(201, client.transfer(c, { type: 'WITHDRAWAL', walletId, linkId, amount: 100_000 }), 'withdrawal'),
    );
    await m('WITHDRAWAL settlement (settleTransfer)', () => settle(withdrawal.json.transferId));
    await m('P2P own wallets (class A, I.1)', async () => {
      const r = await client.expect(
        201,
        client.transfer(customers[0]!, {
          type: 'P2P',
          walletId: customers[0]!.walletId,
          toWalletId: customers[0]!.secondWalletId,
          amount: config.p2pAmount,
        }),
        'p2p own',
      );
      if (r.json.status !== 'COMPLETED') throw new Error(`p2p own: ${JSON.stringify(r.json)}`);
    });
    await m('PAYMENT (class A, I.2)', async () => {
      const r = await client.expect(
        201,
        client.transfer(c, { type: 'PAYMENT', walletId, merchantId: merchant.walletId, amount: config.paymentAmount }),
        'payment',
      );
      if (r.json.status !== 'COMPLETED') throw new Error(`payment: ${JSON.stringify(r.json)}`);
    });
    const waiting = await m('P2P to another owner, create (class B, I.3)', () =>
      client.expect(
        201,
        client.transfer(c, { type: 'P2P', walletId, toWalletId: other.secondWalletId, amount: config.p2pAmount }),
        'p2p class B',
      ),
    );
    const code = await client.otpFor(c.phone, waiting.json.authentication.challengeId);
    await m('authorize (class B, SMS OTP)', async () => {
      const r = await client.expect(
        200,
        client.call('POST', `/v1/transfers/${waiting.json.transferId}/authorize`, { customer: c, body: { otp: code } }),
        'authorize',
      );
      if (r.json.status !== 'COMPLETED') throw new Error(`authorize: ${JSON.stringify(r.json)}`);
    });
  }
  return ops;
}

/** Calls the risk engine adds to one class A transfer, read off the measured SDK trace. */
function riskCallsOf(capacity: OpCapacity[]) {
  const of = (name: string) => capacity.find((o) => o.operation.startsWith(name));
  const count = (op: OpCapacity | undefined) => {
    const calls = op?.trace ?? [];
    const snapshot = calls.filter((c) => c.command === 'BatchGetItem' && c.keys.includes('/RISK')).length;
    const profileWrites = calls.filter(
      (c) => /Item$/.test(c.command) && c.command !== 'GetItem' && c.keys === 'WALLET#/RISK',
    ).length;
    const rru = calls
      .filter((c) => c.command === 'BatchGetItem' && c.keys.includes('/RISK'))
      .reduce((s, c) => s + c.rcu, 0);
    const wru = calls
      .filter((c) => c.keys === 'WALLET#/RISK' && c.command !== 'GetItem')
      .reduce((s, c) => s + c.wcu, 0);
    return {
      totalCalls: calls.filter((c) => !c.sandbox).length,
      beforeCommit: snapshot,
      afterCommit: profileWrites,
      rru,
      wru,
    };
  };
  return {
    method:
      'counted from the SDK command trace of one steady-state transfer (BatchGetItem reading WALLET#…/RISK items; writes to WALLET#…/RISK)',
    p2pOwn: count(of('P2P own')),
    payment: count(of('PAYMENT')),
  };
}

// ---------------------------------------------------------------------------------------------

async function measureContention(
  url: string,
  customers: Funded[],
  merchants: Merchant[],
  hot: Merchant,
  rawDoc: DynamoDBDocumentClient,
  table: string,
) {
  const services = container();
  const n = maxLevel;
  // (a) Through the API, one process: the in-process per-wallet lock queues the commits.
  resetCounters();
  const stale0 = commits.stale;
  const api = await withUsage(() =>
    runLoad({
      target: 'api',
      flow: 'payment',
      name: `payment api → 1 merchant c${n}`,
      url,
      connections: n,
      duration: config.duration,
      amount: config.paymentAmount,
      conns: customers.slice(0, n).map((c) => ({
        token: c.token,
        device: c.device,
        phone: c.phone,
        walletId: c.walletId,
        toWalletId: hot.walletId,
      })),
    }),
  );
  // Requests still queued on the merchant's lock finish before the next case starts.
  await quiesce();
  const apiCounts = {
    staleRetries: commits.stale - stale0,
    txConditionFailed: meter.txConditionFailed,
    txConflict: meter.txConflict,
  };
  log(`api, one merchant: ${fixed(api.perSecond)} payments/s, stale retries ${apiCounts.staleRetries}`);

  // (b) A fleet of independent instances (no shared in-process lock), emulated: each payer runs
  // the commit loop of post.ts itself — read both wallets, commit conditionally on their versions,
  // back off and read again when stale. Against one merchant, then against one merchant each.
  const template = (
    await capture(async () => {
      const c0 = customers[0]!;
      await client(url).transfer(c0, {
        type: 'PAYMENT',
        walletId: c0.walletId,
        merchantId: merchants[0]!.walletId,
        amount: config.paymentAmount,
      });
    })
  ).plans.at(-1)!;
  const fleet = async (label: string, payeeOf: (i: number) => string) => {
    resetCounters();
    const stale = { n: 0 };
    const latencies: number[] = [];
    const deadline = Date.now() + config.duration * 1000;
    let committed = 0;
    await Promise.all(
      customers.slice(0, n).map(async (c, i) => {
        while (Date.now() < deadline) {
          const t0 = performance.now();
          for (let attempt = 0; ; attempt++) {
            const [payer, payee] = await Promise.all([
              services.wallets.get(c.walletId),
              services.wallets.get(payeeOf(i)),
            ]);
            const { plan } = derivePlan(
              template,
              { payer: payer!, payee: payee!, customerId: c.customerId },
              services.clock.now(),
            );
            const outcome = await commitDirect(plan);
            if (outcome === 'committed') break;
            if (outcome !== 'stale') throw new Error(`fleet commit: ${outcome}`);
            stale.n++;
            await backoff(attempt);
          }
          committed++;
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = config.duration;
    const out = {
      case: label,
      payers: n,
      perSecond: committed / seconds,
      committed,
      staleRetries: stale.n,
      retriesPerPayment: committed ? stale.n / committed : 0,
      txConditionFailed: meter.txConditionFailed,
      txConflict: meter.txConflict,
      latency: summarize(latencies),
    };
    log(`${label}: ${fixed(out.perSecond)} commits/s, ${fixed(out.retriesPerPayment, 2)} stale retries per payment`);
    return out;
  };
  const fleetHot = await fleet(`fleet, ${n} payers → 1 merchant`, () => hot.walletId);
  const fleetSpread = await fleet(
    `fleet, ${n} payers → ${n} merchants`,
    (i) => merchants[i % merchants.length]!.walletId,
  );
  const deferred = await deferredCredit({
    services,
    doc: rawDoc,
    table,
    template,
    payers: customers.slice(0, n).map((c) => ({ walletId: c.walletId, customerId: c.customerId })),
    merchantId: hot.walletId,
    seconds: config.duration,
    shards: 4,
  });
  log(
    `fleet, deferred credits (prototype): ${fixed(deferred.paymentsPerSecond)} payments/s, ${deferred.payerConflicts} conflicts; sweeper ${fixed(deferred.sweeper.creditsPerSecond)} credits/s in batches of ${fixed(deferred.sweeper.meanBatch)}, backlog ${deferred.sweeper.backlogAtEnd}`,
  );

  // (c) The merchant's risk profile: one item updated by every payment, growing with each payer.
  const profile = (await rawDoc.send(new GetCommand({ TableName: table, Key: keys.riskProfile(hot.walletId) }))).Item;
  const senders = Object.keys((profile?.senders as Record<string, number>) ?? {}).length;
  const bytes = itemSize(profile);
  const empty = itemSize({ ...profile, senders: {} });
  const perSender = senders ? (bytes - empty) / senders : 0;
  const riskProfile = {
    bytes,
    distinctPayers: senders,
    bytesPerPayer: Number(perSender.toFixed(1)),
    wruPerUpdate: Math.max(1, Math.ceil(bytes / 1024)),
    projected: [1_000, 10_000].map((payers) => {
      const size = empty + perSender * payers;
      return {
        distinctPayersIn48h: payers,
        bytes: Math.round(size),
        wruPerUpdate: Math.ceil(size / 1024),
        overItemLimit: size > 400 * 1024,
      };
    }),
  };
  return { api: { ...api, ...apiCounts }, fleetHot, fleetSpread, deferred, riskProfile };
}

const client = (url: string) => new WalletClient(url);

// ---------------------------------------------------------------------------------------------

function printReport(
  results: Record<string, unknown>,
  load: (LoadResult & { usage: Usage })[],
  capacity: OpCapacity[],
  bundles: BundleResult[],
  evaluate: Summary,
  assess: Summary,
  riskCalls: ReturnType<typeof riskCallsOf>,
  contention: Awaited<ReturnType<typeof measureContention>>,
  itemSets: Record<string, { identical: boolean; api: string[] }>,
  cpuProfile: ProfileShare[],
) {
  const m = results.machine as ReturnType<typeof machine> & { loadAverageAtEnd?: number[] };
  const out: string[] = [];
  out.push('', `Machine: ${m.nproc} cores, ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.java}, ${m.date}`);
  out.push(`Load average at start ${m.loadAverageAtStart.join(' ')}, at end ${m.loadAverageAtEnd?.join(' ')}`);

  out.push(
    '',
    '## Throughput and latency (API: local gateway + handlers in one Node process; raw: the same TransactWriteItems straight to DynamoDB Local)',
    '',
  );
  const rows: (string | number)[][] = [];
  for (const r of load.filter((x) => x.target === 'api')) {
    const raw = load.find((x) => x.target === 'raw' && x.flow === r.flow && x.connections === r.connections);
    const cpuPerFlow = (r.usage.mainThreadCores * r.seconds * 1000) / Math.max(1, r.steps.at(-1)!.ok);
    r.steps.forEach((s, i) => {
      const last = i === r.steps.length - 1;
      // The raw flow's step that stands for this API step: its first for the first, its last for the last.
      const rs = i === 0 ? raw?.steps[0] : last ? raw?.steps.at(-1) : undefined;
      rows.push([
        i === 0 ? `${r.flow} c${r.connections}` : '',
        s.name,
        last ? fixed(r.perSecond) : '',
        last && raw ? fixed(raw.perSecond) : '',
        last && raw ? fixed(r.perSecond / raw.perSecond, 3) : '',
        fixed(s.latency.p50),
        fixed(s.latency.p95),
        fixed(s.latency.p99),
        rs ? `${fixed(rs.latency.p50)} / ${fixed(rs.latency.p95)} / ${fixed(rs.latency.p99)}` : '',
        i === 0 ? `${fixed(r.usage.jvmCores, 2)} / ${raw ? fixed(raw.usage.jvmCores, 2) : '–'}` : '',
        i === 0 ? `${fixed(r.usage.mainThreadCores, 2)} (${fixed(cpuPerFlow, 0)} ms/flow)` : '',
        Object.entries(s.outcomes)
          .map(([k, v]) => `${k}:${v}`)
          .join(' '),
      ]);
    });
  }
  out.push(
    table(
      [
        'flow, connections',
        'API step',
        'API flows/s',
        'raw flows/s',
        'API ÷ raw',
        'API p50 ms',
        'p95',
        'p99',
        'raw p50 / p95 / p99 ms',
        'JVM cores API / raw',
        'API main thread cores',
        'API outcomes',
      ],
      rows,
    ),
  );
  out.push(
    '',
    `Raw item sets identical to the API's: ${Object.entries(itemSets)
      .map(([flow, s]) => `${flow} ${s.identical ? 'yes' : 'NO'} (${s.api.length} items)`)
      .join(', ')}`,
  );

  const pct = (list: ProfileShare[]) =>
    list
      .filter((p) => p.share >= 0.01)
      .map((p) => `${p.group} ${(p.share * 100).toFixed(0)}%`)
      .join(', ');
  out.push(
    '',
    `API main-thread CPU (V8 sampling profile of one more p2p-own run, idle excluded): ${pct(families(cpuProfile))}.`,
    `By package: ${pct(cpuProfile.slice(0, 12))}.`,
  );

  out.push(
    '',
    `## Capacity per operation (steady state; production calls only; $ at ${prices.region} on-demand: $${prices.usdPerMillionWru}/M WRU, $${prices.usdPerMillionRru}/M RRU)`,
    '',
  );
  out.push(
    table(
      [
        'operation',
        'DynamoDB calls',
        'sequential round trips',
        'RRU',
        'WRU (AWS)',
        'WCU reported by Local',
        'sandbox calls (excluded)',
        'USD per million ops',
      ],
      capacity.map((o) => [
        o.operation,
        `${o.calls} (${Object.entries(o.commands)
          .map(([k, v]) => `${v} ${k.replace(/Items?$/, '')}`)
          .join(', ')})`,
        o.rounds,
        fixed(o.rru, 1),
        fixed(o.wru, 0),
        fixed(o.wcuReportedByLocal, 0),
        o.sandbox.calls,
        fixed(o.usdPerMillion, 2),
      ]),
    ),
  );
  out.push('', (results.localCapacityProbe as { note: string }).note);

  out.push(
    '',
    '## Cold start (bundles built with the esbuild flags of lib/constructs/wallet-function.ts; import time in a fresh node process)',
    '',
  );
  out.push(
    table(
      ['function', 'index.mjs KiB', 'zip KiB (approx.)', `init median ms (n=${config.coldRuns})`, 'min', 'max'],
      bundles.map((b) => [
        b.capability,
        fixed(b.bytes / 1024, 0),
        fixed(b.zipBytes / 1024, 0),
        b.error ? `error: ${b.error.slice(0, 40)}` : fixed(b.initMedian, 0),
        fixed(b.initMin, 0),
        fixed(b.initMax, 0),
      ]),
    ),
  );

  out.push('', '## Risk engine on the transfer path', '');
  out.push(
    table(
      ['measure', 'p50', 'p99', 'n'],
      [
        ['evaluateRisk (pure), µs', fixed(evaluate.p50, 2), fixed(evaluate.p99, 2), evaluate.count],
        [
          'assessRisk (HMACs + 1 BatchGetItem, DynamoDB Local), ms',
          fixed(assess.p50, 2),
          fixed(assess.p99, 2),
          assess.count,
        ],
      ],
    ),
  );
  out.push(
    '',
    `Extra DynamoDB calls per class A transfer (${riskCalls.method}): P2P own ${riskCalls.p2pOwn.beforeCommit} before the commit + ${riskCalls.p2pOwn.afterCommit} after it, of ${riskCalls.p2pOwn.totalCalls}; PAYMENT ${riskCalls.payment.beforeCommit} + ${riskCalls.payment.afterCommit}, of ${riskCalls.payment.totalCalls}.`,
  );

  out.push('', '## Contention: one merchant, many payers', '');
  const c = contention;
  out.push(
    table(
      ['case', 'payments/s', 'p50 ms', 'p99 ms', 'stale retries', 'per payment', 'TransactionConflict'],
      [
        [
          c.api.name,
          fixed(c.api.perSecond),
          fixed(c.api.steps[0]!.latency.p50),
          fixed(c.api.steps[0]!.latency.p99),
          c.api.staleRetries,
          fixed(c.api.staleRetries / Math.max(1, c.api.steps[0]!.ok), 2),
          c.api.txConflict,
        ],
        ...[c.fleetHot, c.fleetSpread].map((f) => [
          f.case,
          fixed(f.perSecond),
          fixed(f.latency.p50),
          fixed(f.latency.p99),
          f.staleRetries,
          fixed(f.retriesPerPayment, 2),
          f.txConflict,
        ]),
        [
          `fleet, ${c.deferred.payers} payers → 1 merchant, deferred credits (${c.deferred.shards} inbox shards)`,
          fixed(c.deferred.paymentsPerSecond),
          fixed(c.deferred.latency.p50),
          fixed(c.deferred.latency.p99),
          c.deferred.payerConflicts,
          fixed(c.deferred.payerConflicts / Math.max(1, c.deferred.payments), 2),
          '–',
        ],
      ],
    ),
  );
  const sw = c.deferred.sweeper;
  out.push(
    '',
    `Deferred-credit sweeper: ${sw.creditsApplied} credits in ${sw.batches} batches (mean ${fixed(sw.meanBatch)}), ${fixed(sw.creditsPerSecond)} credits/s, batch p50 ${fixed(sw.batchMs.p50)} ms / p99 ${fixed(sw.batchMs.p99)} ms, backlog at end ${sw.backlogAtEnd}, merchant balance = sum of credits: ${sw.balanceMatches ? 'yes' : 'NO'}.`,
  );
  out.push(
    '',
    `Merchant risk profile after the run: ${c.riskProfile.bytes} bytes for ${c.riskProfile.distinctPayers} distinct payers (${c.riskProfile.bytesPerPayer} bytes each): ${c.riskProfile.wruPerUpdate} WRU per payment; projected ${c.riskProfile.projected
      .map(
        (p) =>
          `${p.distinctPayersIn48h} payers → ${p.bytes} bytes, ${p.wruPerUpdate} WRU${p.overItemLimit ? ' (over the 400 KB item limit)' : ''}`,
      )
      .join('; ')}.`,
  );
  console.log(out.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
