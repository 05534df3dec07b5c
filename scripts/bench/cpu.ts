// CPU time spent by each party during a measurement, from /proc (Linux only; elsewhere
// the figures are absent): workerd (every workerd process under the harness), the
// emulator process, and this process (load generator; under Miniflare it also parses
// workerd's structured logs). With 2 cores these three compete, so CPU ms per request
// says more than wall time about where the router's cost is.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | null = null;
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuMs: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = raw.lastIndexOf(')');
    const comm = raw.slice(raw.indexOf('(') + 1, close);
    const f = raw.slice(close + 2).split(' ');
    // fields after comm: state(0) ppid(1) … utime(11) stime(12)
    return { pid, ppid: Number(f[1]), comm, cpuMs: ((Number(f[11]) + Number(f[12])) / ticksPerSecond()) * 1000 };
  } catch {
    return null;
  }
}

function allStats(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const s = readStat(Number(e));
    if (s) out.push(s);
  }
  return out;
}

/** Processes named `comm` that descend from `root` (the harness's own subtree). */
function descendants(stats: ProcStat[], root: number, comm: string): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const out: ProcStat[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    for (const c of children.get(pid) ?? []) {
      if (c.comm === comm) out.push(c);
      stack.push(c.pid);
    }
  }
  return out;
}

/** workerd processes under `root`, by pid. */
export function workerdDescendants(root: number): number[] {
  return descendants(allStats(), root, 'workerd').map((s) => s.pid);
}

export interface CpuSnapshot {
  workerdMs: number;
  originMs: number;
  clientMs: number;
  /** CPU ms of every workerd thread, by "pid/tid". */
  threads: Map<string, number>;
}

export interface CpuPerRequest {
  workerdMs: number;
  /** CPU ms per request of the busiest workerd thread (the one running the isolate). */
  workerdTopThreadMs: number;
  originMs: number;
  clientMs: number;
}

function threadStats(pid: number, into: Map<string, number>): void {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    try {
      const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      into.set(`${pid}/${tid}`, ((Number(f[11]) + Number(f[12])) / ticksPerSecond()) * 1000);
    } catch {
      // thread ended
    }
  }
}

export interface CpuMeter {
  available: boolean;
  snapshot(): CpuSnapshot;
  perRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuPerRequest | null;
}

/**
 * `workerdRoot`: the pid whose subtree holds the harness's workerd processes (this process for
 * Miniflare); `pids`: exactly these workerd processes instead (one target among several).
 */
export function cpuMeter(workerdRoot: number, originPid: number | undefined, pids?: number[]): CpuMeter {
  const available = readStat(process.pid) !== null;
  let workerdPids: number[] | null = pids && pids.length ? [...pids] : null;
  const snapshot = (): CpuSnapshot => {
    if (!available) return { workerdMs: NaN, originMs: NaN, clientMs: NaN, threads: new Map() };
    if (workerdPids === null || workerdPids.length === 0)
      workerdPids = descendants(allStats(), workerdRoot, 'workerd').map((s) => s.pid);
    const workerdMs = workerdPids.reduce((sum, pid) => sum + (readStat(pid)?.cpuMs ?? 0), 0);
    const threads = new Map<string, number>();
    for (const pid of workerdPids) threadStats(pid, threads);
    const originMs = originPid !== undefined ? (readStat(originPid)?.cpuMs ?? NaN) : NaN;
    const own = process.cpuUsage();
    return { workerdMs, originMs, clientMs: (own.user + own.system) / 1000, threads };
  };
  return {
    available,
    snapshot,
    perRequest: (a, b, n) => {
      if (!available || n <= 0) return null;
      let top = 0;
      for (const [id, ms] of b.threads) top = Math.max(top, ms - (a.threads.get(id) ?? 0));
      return {
        workerdMs: (b.workerdMs - a.workerdMs) / n,
        workerdTopThreadMs: top / n,
        originMs: (b.originMs - a.originMs) / n,
        clientMs: (b.clientMs - a.clientMs) / n,
      };
    },
  };
}

/** Busy CPU ms of the whole machine so far (all cores), from /proc/stat; NaN elsewhere. */
function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return ((total - idle) / ticksPerSecond()) * 1000;
  } catch {
    return NaN;
  }
}

/** CPU ms of this process and every process under it. */
function ownTreeMs(): number {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let sum = readStat(process.pid)?.cpuMs ?? 0;
  const stack = [process.pid];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      sum += c.cpuMs;
      stack.push(c.pid);
    }
  }
  return sum;
}

export interface MachineShare {
  /** Average cores kept busy by the bench and everything it started. */
  benchCores: number;
  /** Average cores kept busy by everything else on the machine (other work skews the figures). */
  otherCores: number;
  seconds: number;
}

/** Watches how busy the machine is, and how much of that is not the bench. */
export function machineWatch(): { stop(): MachineShare } {
  const t0 = performance.now();
  const busy0 = machineBusyMs();
  const own0 = ownTreeMs();
  return {
    stop: () => {
      const wall = performance.now() - t0;
      const busy = machineBusyMs() - busy0;
      // Processes that ended during the window (a stopped harness) are missed by the tree
      // walk; stop the watch before stopping the harness.
      const own = ownTreeMs() - own0;
      return { benchCores: own / wall, otherCores: Math.max(0, (busy - own) / wall), seconds: wall / 1000 };
    },
  };
}
