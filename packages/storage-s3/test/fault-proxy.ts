// An HTTP proxy on 127.0.0.1 between the S3 adapter and the server that injects faults at random
// (seeded): connections dropped before or after the server saw the request, 500/503 answers with
// or without the request applied, and delayed answers. Requests are passed on byte for byte, so
// signatures stay valid.
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';

/** The kinds of fault, each with its probability per request. */
export interface FaultRates {
  /** Close the connection without passing the request on. */
  dropBefore: number;
  /** Answer 503 SlowDown without passing the request on. */
  refuse503: number;
  /** Answer 500 without passing the request on. */
  fail500Before: number;
  /** Pass the request on (it is applied), then answer 500. */
  fail500After: number;
  /** Pass the request on (it is applied), then close the connection without an answer. */
  dropAfter: number;
  /** Pass the request on and hold the answer for up to `maxDelayMs`. */
  delay: number;
}

/** A running fault proxy. */
export interface FaultProxy {
  endpoint: string;
  /** How many requests met each fault (and `passed` cleanly). */
  counts: Record<keyof FaultRates | 'passed', number>;
  /** Faults on (the rates given) or off (every request passed on). */
  setEnabled(enabled: boolean): void;
  stop(): Promise<void>;
}

/** mulberry32: a small seeded PRNG, so a failing sequence can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const s3Error = (code: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`;

async function bodyOf(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a proxy to `target` on a free port of 127.0.0.1. */
export async function startFaultProxy(
  target: string,
  rates: Partial<FaultRates>,
  options: { seed: number; maxDelayMs?: number },
): Promise<FaultProxy> {
  const random = seededRandom(options.seed);
  const { hostname, port } = new URL(target);
  const kinds = Object.entries(rates) as [keyof FaultRates, number][];
  const counts: FaultProxy['counts'] = {
    dropBefore: 0,
    refuse503: 0,
    fail500Before: 0,
    fail500After: 0,
    dropAfter: 0,
    delay: 0,
    passed: 0,
  };
  let enabled = true;

  function pick(): keyof FaultRates | 'passed' {
    if (!enabled) return 'passed';
    let r = random();
    for (const [kind, rate] of kinds) {
      if (r < rate) return kind;
      r -= rate;
    }
    return 'passed';
  }

  function forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ res: IncomingMessage; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const out = request(
        { hostname, port, method: req.method, path: req.url, headers: req.headers },
        (res) => bodyOf(res).then((b) => resolve({ res, body: b }), reject),
      );
      out.on('error', reject);
      out.end(body);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await bodyOf(req);
    const fault = pick();
    counts[fault]++;
    if (fault === 'dropBefore') return void req.socket.destroy();
    if (fault === 'refuse503' || fault === 'fail500Before') {
      res.writeHead(fault === 'refuse503' ? 503 : 500, { 'content-type': 'application/xml' });
      return void res.end(s3Error(fault === 'refuse503' ? 'SlowDown' : 'InternalError'));
    }
    const answer = await forward(req, body);
    if (fault === 'dropAfter') return void req.socket.destroy();
    if (fault === 'fail500After') {
      res.writeHead(500, { 'content-type': 'application/xml' });
      return void res.end(s3Error('InternalError'));
    }
    if (fault === 'delay')
      await new Promise((r) => setTimeout(r, Math.floor(random() * (options.maxDelayMs ?? 200))));
    res.writeHead(answer.res.statusCode ?? 500, answer.res.headers);
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    counts,
    setEnabled: (on) => {
      enabled = on;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
