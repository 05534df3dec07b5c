// Section 4: admission cost, the gate's acquire (+ release) round trip, and how it grows
// with the number of requests the key has in flight.
//
// External: K streams are held open on the key (origin writing one token every 2 s), the
// key's `in_flight` is read from the admin API, then requests on the same key are measured
// and their `server-timing: gate;dur` collected. The held streams are then closed and the
// time until `in_flight` is back to 0 is recorded (release on client disconnect: the
// router notices at its next write). A last check holds one silent stream (origin sends
// nothing after the first event), closes it, and watches whether its lease comes back.
// In-runtime (Miniflare only): the gate-probe worker times acquire, release and an empty
// RPC to a trivial object, in batches, with K leases held.

import { EP_FAST, EP_HOLD, EP_SILENT } from '../fixtures.ts';
import { holdStream, type HeldStream } from '../http-client.ts';
import type { GateProbeResult } from '../probe-workers.ts';
import { checkInterrupted } from '../cleanup.ts';
import { measure, type Ctx, type Point } from './context.ts';

export interface AdmissionPoint {
  held: number;
  inFlightSeen: number;
  /** in_flight read again after measuring (≥ held: the streams were still open throughout). */
  inFlightAfter: number;
  points: Point[];
  /** After closing the held streams: ms until the key's in_flight read 0 again (null: not within the bound). */
  drainMs: number | null;
}

export interface AdmissionResult {
  external: AdmissionPoint[];
  /** A silent stream's lease after its client left: ms until released, or null if still held after `watchedMs`. */
  silentRelease: { releasedAfterMs: number | null; watchedMs: number };
  probe: GateProbeResult[] | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DRAIN_BOUND_MS = 15_000;
const SILENT_WATCH_MS = 3_000;

async function waitInFlight(ctx: Ctx, keyId: string, target: number, boundMs: number): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < boundMs) {
    if ((await ctx.fx.harness.admin.getKey(keyId)).in_flight <= target) return performance.now() - t0;
    await sleep(50);
  }
  return null;
}

export async function runAdmission(ctx: Ctx): Promise<AdmissionResult> {
  const { fx, plan } = ctx;
  const admin = fx.harness.admin;
  const keyId = fx.mainKey.id;
  const base = (await admin.getKey(keyId)).in_flight; // leases left by earlier sections (normally 0)
  const external: AdmissionPoint[] = [];
  for (const k of plan.admission.held) {
    checkInterrupted();
    const held: HeldStream[] = [];
    try {
      for (let i = 0; i < k; i++)
        held.push(holdStream(fx.targets.router, fx.routerSpec(EP_HOLD, fx.mainKey.key, true)));
      await Promise.all(held.map((h) => h.started));
      const inFlightSeen = (await admin.getKey(keyId)).in_flight - base;
      const points: Point[] = [];
      const spec = fx.routerSpec(EP_FAST, fx.mainKey.key);
      for (const c of plan.admission.concurrency) {
        points.push(
          await measure(ctx, fx.targets.router, {
            concurrency: c,
            requests: plan.admission.requests,
            warmup: Math.min(50, plan.admission.requests),
            spec: () => spec,
          }),
        );
      }
      const inFlightAfter = (await admin.getKey(keyId)).in_flight - base;
      for (const h of held) h.close();
      const drainMs = k === 0 ? 0 : await waitInFlight(ctx, keyId, base, DRAIN_BOUND_MS);
      external.push({ held: k, inFlightSeen, inFlightAfter, points, drainMs });
      ctx.log(
        `admission K=${k} (in_flight ${inFlightSeen}, after ${inFlightAfter}): ` +
          points.map((p) => `C=${p.concurrency} gate mean ${p.gate?.mean.toFixed(3) ?? '-'} ms`).join(', ') +
          `; drained in ${drainMs === null ? `> ${DRAIN_BOUND_MS}` : drainMs.toFixed(0)} ms`,
      );
    } finally {
      for (const h of held) h.close();
    }
  }

  // A silent stream: is its lease given back when the client leaves?
  const silentKey = await admin.createKey({ description: 'bench silent-stream key', concurrency_limit: 4 });
  const silent = holdStream(fx.targets.router, fx.routerSpec(EP_SILENT, silentKey.key, true));
  await silent.started;
  silent.close();
  const releasedAfterMs = await waitInFlight(ctx, silentKey.id, 0, SILENT_WATCH_MS);
  ctx.log(
    `silent stream: lease ${releasedAfterMs === null ? `still held ${SILENT_WATCH_MS} ms after the client left` : `released after ${releasedAfterMs.toFixed(0)} ms`}`,
  );

  let probe: GateProbeResult[] | null = null;
  if (fx.harness.gateProbe) {
    probe = [];
    for (const k of plan.admission.probeHeld) {
      checkInterrupted();
      const r = await fx.harness.gateProbe({
        name: `bench-probe-${k}-${Date.now()}`,
        hold: k,
        n: plan.admission.probeN,
      });
      probe.push(r);
      ctx.log(
        `gate probe K=${k}: acquire ${r.acquireMs.toFixed(3)} ms, release ${r.releaseMs.toFixed(3)} ms, pair ${r.pairMs.toFixed(3)} ms, empty RPC ${r.pingMs.toFixed(3)} ms`,
      );
    }
  }
  return { external, silentRelease: { releasedAfterMs, watchedMs: SILENT_WATCH_MS }, probe };
}
