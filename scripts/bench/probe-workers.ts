// Two small workers that run next to the router in the Miniflare harness (same workerd
// process), to tell the router's own cost from the runtime's:
//
// - runtime-baseline: the least a worker can do on this path. `/static` answers a fixed
//   JSON body (workerd's HTTP floor); `/pass/…` forwards the request to the origin and
//   streams the answer back (the runtime's proxy floor); `/json/…` does the same but parses
//   and re-encodes the JSON both ways (what any body-rewriting proxy pays); `/pump/…` streams
//   the answer through a JavaScript read/write loop (what any stream-rewriting proxy pays);
//   `/tee/…` streams it natively while JavaScript reads a copy (what reading alone costs).
// - gate-probe: calls the router's KeyGate Durable Object exactly like the router does
//   (acquire, release) and an empty RPC on a trivial SQLite-backed object (the runtime's
//   RPC floor), timing them inside workerd. Its clock has 1 ms resolution and moves only
//   across I/O, so it times batches and reports means.

export const BASELINE_WORKER = `
const STATIC_BODY = JSON.stringify({
  id: 'chatcmpl-static', object: 'chat.completion', created: 0, model: 'static',
  choices: [{ index: 0, message: { role: 'assistant', content: 'static answer' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
});
// The origin's answer for a request to /<route>/<path>: the same method and body, to ORIGIN/<path>.
function forward(request, env, url, route) {
  const target = env.ORIGIN + url.pathname.slice(route.length);
  return fetch(target, { method: request.method, headers: { 'content-type': 'application/json' }, body: request.body });
}
// The client's answer: the origin's status and content type, with \`body\` (the origin's, or a stream of it).
function reply(upstream, body) {
  return new Response(body, { status: upstream.status, headers: { 'content-type': upstream.headers.get('content-type') ?? 'application/json' } });
}
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === '/static') {
      if (request.body) await request.arrayBuffer();
      return new Response(STATIC_BODY, { headers: { 'content-type': 'application/json' } });
    }
    if (url.pathname.startsWith('/pass/')) {
      const upstream = await forward(request, env, url, '/pass');
      return reply(upstream, upstream.body);
    }
    if (url.pathname.startsWith('/pump/')) {
      // A JavaScript read/write loop per chunk into workerd's native byte pipe: what any
      // worker that touches a stream's chunks pays before doing anything with them.
      const upstream = await forward(request, env, url, '/pump');
      const { readable, writable } = new IdentityTransformStream({ highWaterMark: 65536 });
      const reader = upstream.body.getReader();
      const writer = writable.getWriter();
      const pump = (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          await writer.write(value);
        }
        await writer.close();
      })();
      ctx.waitUntil(pump.catch(() => undefined));
      return reply(upstream, readable);
    }
    if (url.pathname.startsWith('/tee/')) {
      // The answer goes to the client on workerd's native pipe; JavaScript only reads a copy (tee) and
      // counts its bytes: what reading a stream costs a worker that never writes to it.
      const upstream = await forward(request, env, url, '/tee');
      const [toClient, copy] = upstream.body.tee();
      const reader = copy.getReader();
      ctx.waitUntil((async () => {
        let bytes = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return bytes;
          bytes += value.byteLength;
        }
      })().catch(() => undefined));
      return reply(upstream, toClient);
    }
    if (url.pathname.startsWith('/json/')) {
      const target = env.ORIGIN + url.pathname.slice('/json'.length);
      const body = await request.json();
      const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return Response.json(await upstream.json(), { status: upstream.status });
    }
    return new Response('not found', { status: 404 });
  },
};
`;

export const GATE_PROBE_WORKER = `
import { DurableObject } from 'cloudflare:workers';

export class Echo extends DurableObject {
  async ping() { return 1; }
}

const USAGE = { endpoint: 'bench-probe', outcome: 'completed', promptTokens: 1, completionTokens: 1 };

export default {
  async fetch(request, env) {
    const q = new URL(request.url).searchParams;
    const gate = env.GATE.getByName(q.get('name') ?? 'bench-probe');
    const echo = env.ECHO.getByName('bench-echo');
    const hold = Number(q.get('hold') ?? 0);
    const n = Number(q.get('n') ?? 100);
    const limit = 1000000;
    const ttl = 120000;
    const held = [];
    await echo.ping();
    await gate.inFlight(); // creates / wakes the object outside the timed part
    for (let i = 0; i < hold; i++) {
      const a = await gate.acquire(limit, ttl, 'bench-probe');
      if (!a.ok) return Response.json({ error: 'hold acquire refused', a }, { status: 500 });
      held.push(a.leaseId);
    }
    const inFlightBefore = await gate.inFlight();
    // Empty RPC round trips to a trivial object: the runtime's floor.
    let t = performance.now();
    for (let i = 0; i < n; i++) await echo.ping();
    const pingMs = (performance.now() - t) / n;
    // acquire + release pairs, as one admitted request does.
    let acquireTicks = 0, releaseTicks = 0;
    t = performance.now();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const a = await gate.acquire(limit, ttl, 'bench-probe');
      const t1 = performance.now();
      await gate.release(a.leaseId, USAGE);
      const t2 = performance.now();
      acquireTicks += t1 - t0;
      releaseTicks += t2 - t1;
    }
    const pairMs = (performance.now() - t) / n;
    // n acquires back to back (in-flight grows hold..hold+n), then n releases.
    const ids = [];
    t = performance.now();
    for (let i = 0; i < n; i++) ids.push((await gate.acquire(limit, ttl, 'bench-probe')).leaseId);
    const acquireMs = (performance.now() - t) / n;
    t = performance.now();
    for (const id of ids) await gate.release(id, USAGE);
    const releaseMs = (performance.now() - t) / n;
    for (const id of held) await gate.release(id);
    const inFlightAfter = await gate.inFlight();
    return Response.json({
      hold, n, inFlightBefore, inFlightAfter, pingMs, pairMs, acquireMs, releaseMs,
      acquireTickMs: acquireTicks / n, releaseTickMs: releaseTicks / n,
    });
  },
};
`;

export interface GateProbeResult {
  hold: number;
  n: number;
  inFlightBefore: number;
  inFlightAfter: number;
  /** Mean empty RPC round trip to a trivial SQLite-backed object. */
  pingMs: number;
  /** Mean acquire + release pair. */
  pairMs: number;
  /** Mean acquire (batch of n, in-flight growing from hold to hold + n). */
  acquireMs: number;
  /** Mean release (batch of n). */
  releaseMs: number;
  /** Means of the 1 ms-quantized per-call timings inside the pairs (cross-check). */
  acquireTickMs: number;
  releaseTickMs: number;
}
