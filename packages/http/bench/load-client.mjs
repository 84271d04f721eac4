// The load generator of dashboard-load.bench.ts, in its own process so that it does not share the
// server's event loop: runs autocannon against one scenario and prints its figures as JSON.
//   node bench/load-client.mjs '{"url":"http://127.0.0.1:1234","paths":["/a"],"connections":50,"durationS":10}'
import autocannon from 'autocannon';

const { url, paths, connections, durationS, seed, headers } = JSON.parse(process.argv[2] ?? '{}');
// A fixed pseudo-random sequence (xorshift) over the scenario's paths: the same mix every time.
let state = seed ?? 12345;
const next = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};
const result = await autocannon({
  url,
  connections,
  duration: durationS,
  headers,
  requests: [
    {
      setupRequest: (request) => ({
        ...request,
        path: paths[Math.floor(next() * paths.length)],
      }),
    },
  ],
});
console.log(
  JSON.stringify({
    requests: result.requests.total,
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
