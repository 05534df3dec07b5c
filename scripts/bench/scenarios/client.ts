// Client calibration: the same request to the emulator with node:http (keep-alive Agent)
// and with fetch (undici), to pick the client that adds less of its own time. The bench
// uses node:http for every section; this shows what it costs next to fetch.

import { request, type Target } from '../http-client.ts';
import { closedLoop } from '../load.ts';
import type { Plan } from '../plan.ts';
import { summarize, type Summary } from '../stats.ts';
import { CHAT_PATH, chatBody, CHAT_MODEL } from '../fixtures.ts';

export interface ClientCalibration {
  nodeHttp: Summary;
  fetch: Summary;
  chosen: 'node:http';
}

export async function runClientCalibration(origin: Target, originBase: string, plan: Plan): Promise<ClientCalibration> {
  const body = chatBody(CHAT_MODEL, false);
  const text = body.toString();
  const url = `${originBase}${CHAT_PATH}`;
  const viaHttp = () => request(origin, { path: CHAT_PATH, body }).then((r) => r.totalMs);
  const viaFetch = async () => {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    await res.arrayBuffer();
    return performance.now() - t0;
  };
  const opts = { concurrency: 1, requests: plan.client.requests, warmup: plan.client.warmup };
  // Alternate to share drift.
  const half = { ...opts, requests: Math.ceil(opts.requests / 2) };
  const h1 = await closedLoop({ ...half, send: viaHttp });
  const f1 = await closedLoop({ ...half, send: viaFetch });
  const h2 = await closedLoop({ ...half, warmup: 0, send: viaHttp });
  const f2 = await closedLoop({ ...half, warmup: 0, send: viaFetch });
  return {
    nodeHttp: summarize([...h1.results, ...h2.results]),
    fetch: summarize([...f1.results, ...f2.results]),
    chosen: 'node:http',
  };
}
