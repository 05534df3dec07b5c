// Where the added time goes: the same request cut short at successive points of the
// router's path, next to what the runtime alone costs (Miniflare harness only):
//
//   origin direct → workerd static answer → workerd pass-through → workerd JSON re-encode
//   → router /healthz (framework) → 401 (auth: hash + key cache) → 404 (auth, body parse,
//   validation, endpoint cache) → 429 (… + gate acquire RPC, refused) → 200 (… + origin
//   fetch, response re-encode, release RPC).

import { EP_FAST, EP_SILENT, FAST_MODE, CHAT_PATH } from '../fixtures.ts';
import { holdStream, type RequestSpec, type Target } from '../http-client.ts';
import { measure, sanity, type Ctx, type Point } from './context.ts';

export interface Rung {
  name: string;
  what: string;
  points: Point[];
}

export async function runFloor(ctx: Ctx): Promise<Rung[]> {
  const { fx, plan } = ctx;
  const t = fx.targets;
  const key = fx.mainKey.key;
  const routerFull = fx.routerSpec(EP_FAST, key);
  const rungs: Array<{ name: string; what: string; target: Target; spec: RequestSpec; expect: number }> = [
    { name: 'origin direct', what: 'emulator, no worker', target: t.originFast, spec: fx.directSpec(), expect: 200 },
  ];
  if (t.baseline) {
    rungs.push(
      {
        name: 'workerd static',
        what: 'worker answers a fixed body',
        target: t.baseline,
        spec: { ...fx.directSpec(), path: '/static' },
        expect: 200,
      },
      {
        name: 'workerd pass-through',
        what: 'worker fetch()es the origin, streams it back',
        target: t.baseline,
        spec: { ...fx.directSpec(), path: `/pass/mode/${FAST_MODE}${CHAT_PATH}` },
        expect: 200,
      },
      {
        name: 'workerd JSON re-encode',
        what: 'pass-through + JSON parse/stringify both ways',
        target: t.baseline,
        spec: { ...fx.directSpec(), path: `/json/mode/${FAST_MODE}${CHAT_PATH}` },
        expect: 200,
      },
    );
  }
  rungs.push(
    {
      name: 'router /healthz',
      what: 'Hono + request id, no auth',
      target: t.router,
      spec: { path: '/healthz' },
      expect: 200,
    },
    {
      name: 'router 401',
      what: 'unknown key: hash + key cache (negative)',
      target: t.router,
      spec: fx.routerSpec(EP_FAST, 'sk-rt-not-a-real-key-000000000000000000000000'),
      expect: 401,
    },
    {
      name: 'router 404',
      what: 'auth + body parse + validate + endpoint cache',
      target: t.router,
      spec: fx.routerSpec('bench-no-such-endpoint', key),
      expect: 404,
    },
    {
      name: 'router 429',
      what: '… + gate acquire RPC (refused at limit)',
      target: t.router,
      spec: fx.routerSpec(EP_FAST, fx.tightKey.key),
      expect: 429,
    },
    {
      name: 'router 200',
      what: '… + origin fetch + re-encode + release RPC',
      target: t.router,
      spec: routerFull,
      expect: 200,
    },
  );
  if (t.routerEntry) {
    rungs.push({
      name: 'router 200 via entry',
      what: "same, through Miniflare's entry worker",
      target: t.routerEntry,
      spec: routerFull,
      expect: 200,
    });
  }

  // Fill the tight key's only slot for the 429 rung (a silent stream: it stays admitted
  // for as long as the section runs).
  const held = holdStream(t.router, fx.routerSpec(EP_SILENT, fx.tightKey.key, true));
  try {
    await held.started;
    for (const r of rungs) await sanity(r.target, r.spec, r.expect, `floor rung '${r.name}'`);
    const out: Rung[] = [];
    for (const r of rungs) {
      const points: Point[] = [];
      for (const c of plan.floor.concurrency) {
        points.push(
          await measure(ctx, r.target, {
            concurrency: c,
            requests: plan.floor.requests,
            warmup: plan.floor.warmup,
            expect: r.expect,
            spec: () => r.spec,
          }),
        );
      }
      out.push({ name: r.name, what: r.what, points });
      ctx.log(
        `floor ${r.name}: ${points.map((p) => `C=${p.concurrency} p50 ${p.latency.p50.toFixed(3)} ms`).join(', ')}`,
      );
    }
    return out;
  } finally {
    held.close();
  }
}
