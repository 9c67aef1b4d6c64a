// The part of autocannon's programmatic API the harness uses (autocannon ships no types, and
// @types/autocannon is not a dependency). See node_modules/autocannon/README.md.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface RequestData {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }

  export interface Request extends RequestData {
    /** Builds the request right before it is sent; a falsy result skips to the first request. */
    setupRequest?: (request: RequestData, context: Record<string, unknown>) => RequestData | null | undefined;
    onResponse?: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string>,
    ) => void;
  }

  /** One connection: its request iterator keeps the per-connection context. */
  export interface Client extends EventEmitter {
    requestIterator: {
      initialContext: Record<string, unknown>;
      context: Record<string, unknown>;
      currentRequestIndex: number;
      rebuildRequest(): unknown;
    };
  }

  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    pipelining?: number;
    timeout?: number;
    headers?: Record<string, string>;
    requests?: Request[];
    initialContext?: Record<string, unknown>;
    setupClient?: (client: Client) => void;
  }

  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
  }

  export interface Result {
    duration: number;
    start: Date;
    finish: Date;
    errors: number;
    timeouts: number;
    non2xx: number;
    latency: Histogram;
    requests: Histogram & { total: number; sent: number };
  }

  function autocannon(options: Options): Promise<Result> & EventEmitter;
  export default autocannon;
}
