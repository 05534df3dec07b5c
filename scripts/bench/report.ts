// The printed report: one table per section, harnesses side by side (rows tagged by harness).

import type { BenchResults, HarnessResult } from './results.ts';
import type { ComparePoint, CompareResult } from './scenarios/compare.ts';
import { quantile } from './stats.ts';
import { int, ms, renderTable, signed, type Column } from './table.ts';

const L = (title: string): Column => ({ title, align: 'left' });
const R = (title: string): Column => ({ title });

/** How busy the busiest workerd thread was: its CPU ms per request × requests per second. */
function threadBusy(p: { rps: number; cpu: { workerdTopThreadMs: number } | null }): string {
  const v = p.cpu ? (p.cpu.workerdTopThreadMs * p.rps) / 10 : NaN;
  return Number.isFinite(v) ? `${v.toFixed(0)}%` : '-';
}

function cpu(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(2);
}

function section(title: string, body: string, notes: string[] = []): string {
  return [`\n## ${title}\n`, body, ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
}

function triple(a: number, b: number, c: number): string {
  return `${ms(a)} / ${ms(b)} / ${ms(c)}`;
}

const COMPARE_COLUMNS = [
  'router',
  'router-gate-own',
  'router-renamed',
  'bare',
  'bare-pump',
  'bare-tee',
  'portkey-workerd',
  'portkey-node',
];

function range(v: number[] | undefined): string {
  if (!v || !v.length) return '-';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return lo.toFixed(2) === hi.toFixed(2) ? lo.toFixed(2) : `${lo.toFixed(2)}–${hi.toFixed(2)}`;
}

function compareTables(hs: HarnessResult[]): string {
  const cmp = hs.find((h) => h.compare)?.compare;
  if (!cmp) return '';
  const keys = COMPARE_COLUMNS.filter((k) => cmp.targets.some((t) => t.key === k));
  const label = (k: string) => cmp.targets.find((t) => t.key === k)?.label ?? k;
  const point = (kind: string, c?: number) =>
    cmp.points.find((p) => p.kind === kind && (c === undefined || p.concurrency === c));
  const rows: string[][] = [];
  const ratioOf = (row: string) => cmp.ratios.find((r) => r.row === row);
  const ratioCells = (rowP50: string, rowP99?: string) => {
    const a = ratioOf(rowP50);
    const b = rowP99 ? ratioOf(rowP99) : undefined;
    const x = (v: number | null | undefined) =>
      v === null || v === undefined || !Number.isFinite(v) ? '-' : `${v.toFixed(1)}×`;
    const d = (v: number | null | undefined) =>
      v === null || v === undefined || !Number.isFinite(v) ? '-' : signed(v);
    return [
      b ? `${x(a?.routerOverBare)} / ${x(b.routerOverBare)}` : x(a?.routerOverBare),
      b ? `${d(a?.routerMinusPortkey)} / ${d(b.routerMinusPortkey)}` : d(a?.routerMinusPortkey),
    ];
  };
  const addedRow = (title: string, kind: string, c: number) => {
    const p = point(kind, c);
    if (!p) return;
    rows.push([
      title,
      ...keys.map((k) => (p.added[k] ? `${signed(p.added[k]!.p50)} / ${signed(p.added[k]!.p99)}` : '-')),
      ...ratioCells(`${kind} C=${c} added p50`, `${kind} C=${c} added p99`),
    ]);
  };
  for (const c of cmp.points.filter((p) => p.kind === 'nonStream').map((p) => p.concurrency))
    addedRow(`non-stream C=${c}`, 'nonStream', c);
  for (const c of cmp.points.filter((p) => p.kind === 'ttft').map((p) => p.concurrency))
    addedRow(`first token C=${c}`, 'ttft', c);
  const slow = point('slowTtft');
  if (slow)
    addedRow(`first token, ${slow.tokenMs} ms/token model, C=${slow.concurrency}`, 'slowTtft', slow.concurrency);
  const tp = point('nonStream', 16) ?? point('nonStream');
  if (tp) {
    const mean = (v: number[] | undefined) => (v && v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
    rows.push([
      `throughput non-stream C=${tp.concurrency}, rps`,
      ...keys.map((k) => int(mean(tp.sides[k]?.rps))),
      '-',
      '-',
    ]);
  }
  const cpuCell = (p: (typeof cmp.points)[number] | undefined, k: string) => {
    const side = p?.sides[k];
    if (!side) return '-';
    const own = range(side.cpuMs);
    return side.gateCpuMs?.length ? `${own} + gate ${range(side.gateCpuMs)}` : own;
  };
  if (tp)
    rows.push([
      `workerd CPU per non-stream request (C=${tp.concurrency}), ms`,
      ...keys.map((k) => cpuCell(tp, k)),
      ...ratioCells('CPU per non-stream request'),
    ]);
  const st = point('ttft', 16) ?? point('ttft');
  if (st) {
    const events = st.sides.router?.eventsPerStream;
    rows.push([
      `CPU per ${Number.isFinite(events) ? Math.round(events!) : '?'}-event stream (C=${st.concurrency}), ms`,
      ...keys.map((k) => cpuCell(st, k)),
      ...ratioCells('CPU per 15-event stream'),
    ]);
  }
  const long = point('longStream');
  if (long) {
    rows.push([
      `CPU per ${long.maxTokens.toLocaleString('en')}-token stream, ms`,
      ...keys.map((k) => {
        const side = long.sides[k];
        if (!side) return '-';
        const ev = side.eventsPerStream ?? NaN;
        return ev >= long.maxTokens ? cpuCell(long, k) : `(${Number.isFinite(ev) ? Math.round(ev) : '?'} events)`;
      }),
      ...ratioCells('CPU per 1,000-token stream'),
    ]);
  }
  if (slow) {
    const d = slow.sides.direct?.gaps?.p99 ?? NaN;
    rows.push([
      `gap between events p99, added (${slow.tokenMs} ms/token, C=${slow.concurrency})`,
      ...keys.map((k) => signed((slow.sides[k]?.gaps?.p99 ?? NaN) - d)),
      '-',
      '-',
    ]);
  }
  const main = section(
    '0. Side by side: added over direct (p50 / p99, ms), throughput and CPU',
    renderTable([L('metric'), ...keys.map((k) => R(label(k))), R('router ÷ bare'), R('router − Portkey')], rows),
    [
      ...cmp.targets.map((t) => `${t.label}: ${t.what}.`),
      ...cmp.skipped.map((s) => `${s.label}: not measured: ${s.reason}`),
      `Rounds interleaved per point (${cmp.points[0]?.rounds ?? '?'} × each target, order rotating); CPU = the target's own processes per request, min–max over rounds. Load average at start / end: ${cmp.loadAverage.start.join(' ')} / ${cmp.loadAverage.end.join(' ')}.`,
      `router − Portkey compares with ${cmp.ratios[0]?.portkey ?? 'no Portkey column'}.`,
    ],
  );
  const metricsRows: string[][] = [];
  for (const p of cmp.points.filter((q) => q.kind === 'nonStream' && q.added['router-nometrics'])) {
    const on = p.added.router!;
    const off = p.added['router-nometrics']!;
    metricsRows.push([
      String(p.concurrency),
      `${signed(on.p50)} / ${signed(on.p99)}`,
      `${signed(off.p50)} / ${signed(off.p99)}`,
      `${signed(on.p50 - off.p50)} / ${signed(on.p99 - off.p99)}`,
      `${range(p.sides.router?.cpuMs)} / ${range(p.sides['router-nometrics']?.cpuMs)}`,
    ]);
  }
  const metrics = metricsRows.length
    ? section(
        '0b. Metrics on vs off (METRICS_ENABLED), non-streaming, added over direct (ms)',
        renderTable(
          [
            R('C'),
            R('metrics on p50 / p99'),
            R('metrics off p50 / p99'),
            R('on − off p50 / p99'),
            R('CPU/req on / off'),
          ],
          metricsRows,
        ),
        ['Same run, same rounds: the router with metrics and a second router process with METRICS_ENABLED=false.'],
      )
    : '';
  return main + '\n' + metrics + '\n' + pausesTable(cmp, ['direct', ...keys]);
}

/** How often each target paused with every request in flight, and for how long (scripts/bench/pauses.ts). */
function pausesTable(cmp: CompareResult, keys: string[]): string {
  const label = (k: string) => (k === 'direct' ? 'direct' : (cmp.targets.find((t) => t.key === k)?.label ?? k));
  const cell = (p: ComparePoint, k: string) => {
    const st = p.sides[k]?.pauses;
    if (!st || !st.requests) return '-';
    if (!st.pauses) return '0';
    const per10k = (st.pauses / st.requests) * 10_000;
    const sorted = [...st.excessMs].sort((a, b) => a - b);
    return `${per10k.toFixed(1)} · +${quantile(sorted, 0.5).toFixed(0)} (max +${sorted[sorted.length - 1]!.toFixed(0)}) · ${((st.caught / st.requests) * 100).toFixed(1)}%`;
  };
  const points = cmp.points.filter((p) => (p.kind === 'nonStream' || p.kind === 'ttft') && p.concurrency >= 16);
  const shown = keys.filter((k) => points.some((p) => p.sides[k]));
  const rows = points.map((p) => [
    `${p.kind === 'nonStream' ? 'non-stream' : 'first token'} C=${p.concurrency}`,
    ...shown.map((k) => cell(p, k)),
  ]);
  if (!rows.length) return '';
  return section(
    '0c. Pauses: every request in flight held together (per 10,000 requests · median (max) ms over the median request · share of requests caught)',
    renderTable([L('point'), ...shown.map((k) => R(label(k)))], rows),
    [
      'A pause: at least half the concurrency finishing late (over twice the round median, and 5 ms over it) within 15 ms of each other, as when the target thread stops for a garbage collection. When the share caught passes 1%, the pauses set p99.',
    ],
  );
}

function latencyTable(hs: HarnessResult[]): string {
  const rows = hs.flatMap((h) =>
    (h.latency ?? []).map((p) => [
      h.name,
      String(p.concurrency),
      String(p.router.latency.n),
      triple(p.direct.latency.p50, p.direct.latency.p90, p.direct.latency.p99),
      triple(p.router.latency.p50, p.router.latency.p90, p.router.latency.p99),
      `${signed(p.added.p50)} / ${signed(p.added.p90)} / ${signed(p.added.p99)}`,
      ms(p.router.gate?.mean, true),
      cpu(p.router.cpu?.workerdMs),
      threadBusy(p.router),
      `${int(p.direct.rps)} / ${int(p.router.rps)}`,
      String(p.router.errors + p.router.unexpected + p.direct.errors + p.direct.unexpected),
    ]),
  );
  return section(
    '1. Added latency, non-streaming (ms)',
    renderTable(
      [
        L('harness'),
        R('C'),
        R('n'),
        R('direct p50 / p90 / p99'),
        R('router p50 / p90 / p99'),
        R('added p50 / p90 / p99'),
        R('gate mean'),
        R('workerd CPU/req'),
        R('busiest thread'),
        R('rps direct / router'),
        R('errors'),
      ],
      rows,
    ),
    [
      'Same chat-completion payload, same node:http keep-alive client, same concurrency; origin = emulator in normal/0 (no token delay).',
      'added = router percentile − direct percentile. gate = server-timing gate;dur (admission RPC, 1 ms clock inside workerd: the mean is the meaningful figure).',
      'workerd CPU/req = CPU ms all workerd processes of the harness used per routed request (from /proc); busiest thread = how busy the workerd thread running the isolate was (100% = saturated).',
    ],
  );
}

function floorTable(hs: HarnessResult[]): string {
  const rows: string[][] = [];
  for (const h of hs) {
    for (const rung of h.floor ?? []) {
      for (const p of rung.points) {
        const origin = h.floor?.[0]?.points.find((q) => q.concurrency === p.concurrency);
        rows.push([
          h.name,
          rung.name,
          String(p.concurrency),
          ms(p.latency.p50, true),
          ms(p.latency.p99, true),
          signed(origin ? p.latency.p50 - origin.latency.p50 : NaN),
          int(p.rps),
          cpu(p.cpu?.workerdMs),
          threadBusy(p),
          cpu(p.cpu?.originMs),
          cpu(p.cpu?.clientMs),
          rung.what,
        ]);
      }
    }
  }
  return section(
    'Where the time goes: the request cut short at each step (ms)',
    renderTable(
      [
        L('harness'),
        L('path'),
        R('C'),
        R('p50'),
        R('p99'),
        R('p50 vs origin'),
        R('rps'),
        R('CPU/req workerd'),
        R('busiest thread'),
        R('emulator'),
        R('client'),
        L('what it includes'),
      ],
      rows,
    ),
    [
      "workerd rungs run in the same workerd process as the router (Miniflare harness only): the runtime's own floor.",
      "CPU/req: CPU ms per request of workerd, of the emulator process and of the load generator (this process; under Miniflare it also parses workerd's logs).",
    ],
  );
}

function ttftTable(hs: HarnessResult[]): string {
  const rows = hs.flatMap((h) =>
    (h.ttft ?? []).map((p) => [
      h.name,
      String(p.concurrency),
      String(p.router.streams),
      triple(p.direct.firstEvent.p50, p.direct.firstEvent.p90, p.direct.firstEvent.p99),
      triple(p.router.firstEvent.p50, p.router.firstEvent.p90, p.router.firstEvent.p99),
      `${signed(p.added.p50)} / ${signed(p.added.p90)} / ${signed(p.added.p99)}`,
      `${ms(p.direct.eventsPerStream)} / ${ms(p.router.eventsPerStream)}`,
      String(p.direct.errors + p.direct.incomplete + p.router.errors + p.router.incomplete),
    ]),
  );
  return section(
    '2a. Time to first token, streaming (ms to the first SSE event)',
    renderTable(
      [
        L('harness'),
        R('C'),
        R('streams'),
        R('direct p50 / p90 / p99'),
        R('router p50 / p90 / p99'),
        R('added p50 / p90 / p99'),
        R('events/stream d / r'),
        R('errors'),
      ],
      rows,
    ),
    ['Origin in normal/0 (tokens as fast as it can write them).'],
  );
}

function guardTable(hs: HarnessResult[]): string {
  const rows = hs.flatMap((h) =>
    (h.guard ?? []).map((p) => [
      h.name,
      String(p.concurrency),
      `${p.plain.streams} / ${p.guarded.streams}`,
      triple(p.plain.firstEvent.p50, p.plain.firstEvent.p90, p.plain.firstEvent.p99),
      triple(p.guarded.firstEvent.p50, p.guarded.firstEvent.p90, p.guarded.firstEvent.p99),
      `${signed(p.added.p50)} / ${signed(p.added.p90)} / ${signed(p.added.p99)}`,
      String(p.plain.errors + p.plain.incomplete + p.guarded.errors + p.guarded.incomplete),
    ]),
  );
  return section(
    '2c. Time to first token with an input guard (ms to the first SSE event, both through the router)',
    renderTable(
      [
        L('harness'),
        R('C'),
        R('streams'),
        R('no guard p50 / p90 / p99'),
        R('input guard p50 / p90 / p99'),
        R('added p50 / p90 / p99'),
        R('errors'),
      ],
      rows,
    ),
    [
      "The guard endpoint is the emulator in Llama Guard mode, answering at once (normal/0): the added time is the router's guard call (one routed non-streaming request and its verdict), not a model's.",
    ],
  );
}

function gapsTable(hs: HarnessResult[]): string {
  const rows = hs.flatMap((h) =>
    (h.gaps ?? []).map((p) => [
      h.name,
      String(p.concurrency),
      `${p.gapMs}`,
      `${p.direct.streams} / ${p.router.streams}`,
      `${ms(p.direct.gaps.p50)} / ${ms(p.direct.gaps.p99)} / ${ms(p.direct.gaps.max)}`,
      `${ms(p.router.gaps.p50)} / ${ms(p.router.gaps.p99)} / ${ms(p.router.gaps.max)}`,
      `${signed(p.added.p50)} / ${signed(p.added.p99)}`,
      `${(p.direct.bunchedShare * 100).toFixed(1)}% / ${(p.router.bunchedShare * 100).toFixed(1)}%`,
      `${ms(p.direct.multiEventChunksPerStream)} / ${ms(p.router.multiEventChunksPerStream)}`,
      `${ms(p.direct.firstEvent.p50)} / ${ms(p.router.firstEvent.p50)}`,
    ]),
  );
  return section(
    '2b. Gaps between consecutive SSE events (ms)',
    renderTable(
      [
        L('harness'),
        R('C'),
        R('origin gap'),
        R('streams d / r'),
        R('direct p50 / p99 / max'),
        R('router p50 / p99 / max'),
        R('added p50 / p99'),
        R('gaps < 1 ms d / r'),
        R('multi-event chunks/stream d / r'),
        R('first event p50 d / r'),
      ],
      rows,
    ),
    [
      'Origin in slow/<gap> mode: one token every <gap> ms. Buffering would show as bunched events (gaps < 1 ms, several events per chunk) and longer gaps.',
      'The last events of a stream (finish reason, [DONE]) are written together by the origin, so some bunching is expected on both sides.',
    ],
  );
}

function throughputTable(hs: HarnessResult[]): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const h of hs) {
    const t = h.throughput;
    if (!t) continue;
    t.router.steps.forEach((s, i) => {
      const d = t.direct.steps[i];
      const within = s.latency.p99 <= 2 * t.router.p99AtC1;
      rows.push([
        h.name,
        String(s.concurrency),
        int(s.rps),
        ms(s.latency.p50),
        ms(s.latency.p99),
        within ? 'yes' : 'no',
        String(s.errors + s.unexpected),
        cpu(s.cpu?.workerdMs),
        threadBusy(s),
        d ? int(d.rps) : '-',
        d ? ms(d.latency.p99) : '-',
      ]);
    });
    const sus = t.router.sustained;
    notes.push(
      `${h.name}: sustained ${sus ? `${int(sus.rps)} rps (C=${sus.concurrency}, p99 ${ms(sus.p99)} ms)` : 'n/a'} ` +
        `with p99 ≤ 2 × ${ms(t.router.p99AtC1)} ms (p99 at C=1); peak ${int(t.router.peakRps)} rps; origin alone peaks at ${int(t.direct.peakRps)} rps.`,
    );
  }
  return section(
    '3. Throughput through the router, gate on the path',
    renderTable(
      [
        L('harness'),
        R('C'),
        R('router rps'),
        R('p50'),
        R('p99'),
        R('p99 ≤ 2×C1'),
        R('errors'),
        R('workerd CPU/req'),
        R('busiest thread'),
        R('direct rps'),
        R('direct p99'),
      ],
      rows,
    ),
    [
      ...notes,
      "Load generator, emulator and workerd share the machine's cores: these are figures for this machine, not for a Cloudflare location.",
    ],
  );
}

function admissionTable(hs: HarnessResult[]): string {
  const rows: string[][] = [];
  for (const h of hs) {
    for (const a of h.admission?.external ?? []) {
      for (const p of a.points) {
        rows.push([
          h.name,
          String(a.held),
          `${a.inFlightSeen} / ${a.inFlightAfter}`,
          String(p.concurrency),
          ms(p.gate?.mean, true),
          ms(p.gate?.p99),
          ms(p.latency.p50),
          ms(p.latency.p99),
          a.drainMs === null ? 'n/a' : int(a.drainMs),
        ]);
      }
    }
  }
  const probeRows: string[][] = [];
  for (const h of hs) {
    for (const p of h.admission?.probe ?? []) {
      probeRows.push([
        h.name,
        String(p.hold),
        `${p.inFlightBefore}`,
        ms(p.acquireMs, true),
        ms(p.releaseMs, true),
        ms(p.pairMs, true),
        ms(p.pingMs, true),
        `${p.n}`,
      ]);
    }
  }
  const probe = probeRows.length
    ? '\n\nIn-runtime, from a worker next to the router (batch means over n calls):\n\n' +
      renderTable(
        [
          L('harness'),
          R('leases held'),
          R('in_flight'),
          R('acquire'),
          R('release'),
          R('acquire + release'),
          R('empty DO RPC'),
          R('n'),
        ],
        probeRows,
      )
    : '';
  return section(
    '4. Admission cost: gate acquire (+ release) with K requests in flight on the key (ms)',
    renderTable(
      [
        L('harness'),
        R('held K'),
        R('in_flight before / after'),
        R('C'),
        R('gate mean'),
        R('gate p99'),
        R('router p50'),
        R('router p99'),
        R('drain ms'),
      ],
      rows,
    ) + probe,
    [
      'held K: streaming requests kept open on the same key (origin writing one token every 2 s); in_flight as the admin API reports it, before and after measuring.',
      'gate: server-timing gate;dur, i.e. the acquire RPC seen from the router (1 ms clock: read the mean). drain: ms until in_flight is 0 after the clients disconnect.',
      ...hs.map((h) => {
        const s = h.admission?.silentRelease;
        if (!s) return `${h.name}: silent stream not checked`;
        return `${h.name}: a silent stream's lease (origin quiet after the first event) ${s.releasedAfterMs === null ? `was still held ${s.watchedMs} ms after its client left` : `was released ${int(s.releasedAfterMs)} ms after its client left`}.`;
      }),
    ],
  );
}

function scalingTable(hs: HarnessResult[]): string {
  const rows: string[][] = [];
  for (const h of hs) {
    const s = h.scaling;
    if (!s) continue;
    const direct = h.latency?.find((p) => p.concurrency === s.cold.concurrency)?.direct.latency;
    rows.push([
      h.name,
      `${s.keysCreated} (cold)`,
      String(s.cold.concurrency),
      String(s.cold.requests),
      triple(s.cold.latency.p50, s.cold.latency.p90, s.cold.latency.p99),
      direct ? `${signed(s.cold.latency.p50 - direct.p50)} / ${signed(s.cold.latency.p99 - direct.p99)}` : '-',
      ms(s.cold.gate?.mean, true),
      '-',
      '-',
    ]);
    for (const w of s.warm) {
      const l = w.point.latency;
      rows.push([
        h.name,
        String(w.keys),
        String(w.point.concurrency),
        String(l.n),
        triple(l.p50, l.p90, l.p99),
        direct ? `${signed(l.p50 - direct.p50)} / ${signed(l.p99 - direct.p99)}` : '-',
        ms(w.point.gate?.mean, true),
        cpu(w.point.cpu?.workerdMs),
        int(w.point.rps),
      ]);
    }
  }
  return section(
    '5. Scaling: distinct keys, round-robin (ms)',
    renderTable(
      [
        L('harness'),
        L('keys'),
        R('C'),
        R('n'),
        R('router p50 / p90 / p99'),
        R('added p50 / p99'),
        R('gate mean'),
        R('workerd CPU/req'),
        R('rps'),
      ],
      rows,
    ),
    [
      "cold = each key's first request (key cache miss → D1 read, gate object created). added is against the direct C=16 figures of section 1.",
    ],
  );
}

function profileTables(r: BenchResults): string {
  const out: string[] = [];
  const p = r.profile;
  if (p && 'error' in p) out.push(section('Profile', `failed: ${p.error.split('\n')[0]}`));
  else if (p) {
    const perReq = (v: number) => (p.requests ? ((v / p.requests) * 1000).toFixed(1) : '-');
    const rows = (list: typeof p.byFile) =>
      list.slice(0, 20).map((r) => [r.name, ms(r.selfMs), `${(r.share * 100).toFixed(1)}%`, perReq(r.selfMs)]);
    out.push(
      section(
        `Profile: router isolate CPU at C=${p.concurrency} (miniflare with the inspector open, ${p.requests} requests, ${ms(p.totalMs)} ms sampled)`,
        renderTable([L('source file (self time)'), R('ms'), R('share'), R('µs/request')], rows(p.byFile)) +
          '\n\n' +
          renderTable([L('function (self time)'), R('ms'), R('share'), R('µs/request')], rows(p.byFunction)),
        [
          `Full profile: ${p.file} (open in Chrome DevTools → Performance). (program) = workerd native code, (idle) = waiting for I/O, (native) = runtime APIs (fetch, storage…).`,
          'An open inspector slows the isolate down: read shares and relative costs here, and absolute latencies in the sections above.',
        ],
      ),
    );
    for (const st of [p.stream, p.shortStream]) {
      if (!st) continue;
      const perStream = (v: number) => (st.requests ? ((v / st.requests) * 1000).toFixed(0) : '-');
      const srows = (list: typeof st.byFile) =>
        list.slice(0, 20).map((r) => [r.name, ms(r.selfMs), `${(r.share * 100).toFixed(1)}%`, perStream(r.selfMs)]);
      out.push(
        section(
          `Profile: router isolate CPU serving ${st.tokens}-token streams at C=${st.concurrency} (${st.requests} streams, ${ms(st.totalMs)} ms sampled)`,
          renderTable([L('source file (self time)'), R('ms'), R('share'), R('µs/stream')], srows(st.byFile)) +
            '\n\n' +
            renderTable([L('function (self time)'), R('ms'), R('share'), R('µs/stream')], srows(st.byFunction)),
          [`Full profile: ${st.file}.`],
        ),
      );
    }
  }
  return out.join('\n');
}

function targetsTable(r: BenchResults): string {
  const rows = r.targets.map((t) => [
    t.harness + (t.reference ? ' (ref)' : ''),
    t.target,
    ms(t.measured),
    ms(t.limit),
    t.met ? 'met' : `MISSED by ${ms(t.marginMs)} ms`,
  ]);
  return section(
    'Targets (issue #6; the reference is the lower-overhead harness)',
    renderTable([L('harness'), L('target'), R('measured'), R('limit'), L('result')], rows),
  );
}

export function renderReport(r: BenchResults): string {
  const m = r.machine;
  const head = [
    `# edge-llm-router bench (${r.plan.name})`,
    '',
    `- command: \`${r.command}\`, ${r.startedAt}, ${r.durationSeconds.toFixed(0)} s; load average (1/5/15 min) at start ${r.loadAverage.start.join(' ')}, at end ${r.loadAverage.end.join(' ')}`,
    `- machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; node ${m.node}, wrangler ${m.wrangler}, miniflare ${m.miniflare}, workerd ${m.workerd}`,
    `- code: ${r.git ? `git ${r.git.head}${r.git.dirty ? ` + ${r.git.changedFiles} uncommitted change(s) in src/, migrations/ or wrangler.toml` : ' (clean)'}` : 'no git'}`,
    `- origin: ${r.origin.process}`,
    ...r.harnesses.map(
      (h) =>
        `- harness ${h.name}: ${h.description}; ${h.codeVersion} (ready in ${h.startupSeconds.toFixed(1)} s, ran ${h.durationSeconds.toFixed(0)} s, ${h.workerLogLines ?? '-'} worker log lines` +
        (h.machine
          ? `; cores busy: bench ${h.machine.benchCores.toFixed(2)}, other processes ${h.machine.otherCores.toFixed(2)}${h.machine.otherCores > 0.1 ? ' — SKEWED by other work' : ''}`
          : '') +
        ')',
    ),
    ...r.notes.map((n) => `- ${n}`),
  ].join('\n');
  const client = r.client
    ? section(
        'Client calibration (origin direct, C=1, ms)',
        renderTable(
          [L('client'), R('n'), R('p50'), R('p90'), R('p99')],
          [
            [
              'node:http keep-alive (used)',
              String(r.client.nodeHttp.n),
              ms(r.client.nodeHttp.p50, true),
              ms(r.client.nodeHttp.p90, true),
              ms(r.client.nodeHttp.p99, true),
            ],
            [
              'fetch (undici)',
              String(r.client.fetch.n),
              ms(r.client.fetch.p50, true),
              ms(r.client.fetch.p90, true),
              ms(r.client.fetch.p99, true),
            ],
          ],
        ),
      )
    : '';
  const failures = r.harnesses.flatMap((h) =>
    h.failures.map((f) => `${h.name} / ${f.section}: ${f.error.split('\n')[0]}`),
  );
  const hs = r.harnesses;
  return [
    head,
    client,
    compareTables(hs),
    latencyTable(hs),
    floorTable(hs),
    ttftTable(hs),
    guardTable(hs),
    gapsTable(hs),
    throughputTable(hs),
    admissionTable(hs),
    scalingTable(hs),
    profileTables(r),
    targetsTable(r),
    failures.length ? section('Failed sections', failures.map((f) => `- ${f}`).join('\n')) : '',
  ].join('\n');
}
