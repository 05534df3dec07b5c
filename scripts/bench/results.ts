// The machine-readable results: one JSON file per run (bench-results/latest.json by default).

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MachineShare } from './cpu.ts';
import type { Machine } from './machine.ts';
import type { Plan } from './plan.ts';
import type { AdmissionResult } from './scenarios/admission.ts';
import type { ClientCalibration } from './scenarios/client.ts';
import type { CompareResult } from './scenarios/compare.ts';
import type { Rung } from './scenarios/floor.ts';
import type { ProfileResult } from './scenarios/profile.ts';
import type { LatencyPoint } from './scenarios/latency.ts';
import type { ScalingResult } from './scenarios/scaling.ts';
import type { GuardPoint } from './scenarios/guardrails.ts';
import type { GapPoint, TtftPoint } from './scenarios/streaming.ts';
import type { ThroughputResult } from './scenarios/throughput.ts';

/** One of the targets, checked against a harness's measured figure (targets.ts). */
export interface TargetCheck {
  harness: string;
  reference: boolean;
  target: string;
  measured: number;
  limit: number;
  met: boolean;
  /** measured − limit (positive = missed by that many ms). */
  marginMs: number;
}

export interface HarnessResult {
  name: string;
  description: string;
  startupSeconds: number;
  durationSeconds: number;
  codeVersion: string;
  /** How busy the machine was during the run: the bench's processes vs everything else. */
  machine?: MachineShare;
  /** Worker log lines emitted during the run (the router logs one per request). */
  workerLogLines: number | null;
  compare?: CompareResult;
  latency?: LatencyPoint[];
  floor?: Rung[];
  ttft?: TtftPoint[];
  guard?: GuardPoint[];
  gaps?: GapPoint[];
  throughput?: ThroughputResult;
  admission?: AdmissionResult;
  scaling?: ScalingResult;
  /** Sections that failed, with their error. */
  failures: Array<{ section: string; error: string }>;
}

export interface BenchResults {
  schema: 'edge-llm-router-bench/1';
  command: string;
  /** The machine's 1/5/15-minute load averages when the run started and ended (other work skews the figures). */
  loadAverage: { start: number[]; end: number[] };
  plan: Plan;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: Machine;
  /** git HEAD and whether the working tree had changes (the bench measures the working tree). */
  git: { head: string; dirty: boolean; changedFiles: number } | null;
  notes: string[];
  origin: { url: string; process: string };
  client: ClientCalibration | null;
  harnesses: HarnessResult[];
  /** With --profile: where the router isolate's CPU time went at C=16 (separate Miniflare run, inspector open). */
  profile?: ProfileResult | { error: string };
  targets: TargetCheck[];
}

/** Numbers rounded to 4 decimals (0.1 µs), NaN/Infinity as null. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return Number.isInteger(value) ? value : Math.round(value * 1e4) / 1e4;
  }
  return value;
}

export async function writeResults(file: string, results: BenchResults): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(results, replacer, 2) + '\n');
}
