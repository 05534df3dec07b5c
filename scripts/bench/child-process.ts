// Child processes in their own process group, stopped as a group (SIGTERM, then SIGKILL),
// with an exit hook so nothing outlives the bench even if it dies before cleanup.

import { spawn, type ChildProcess } from 'node:child_process';
import { onCleanup, onExit } from './cleanup.ts';
import { childEnv, signalGroup, sleep } from '../lib/process-group.ts';

export interface GroupChild {
  child: ChildProcess;
  /** Recent output lines (stdout and stderr). */
  output(): string;
  /** Resolves with the first output line matching `re`; rejects if the process ends first or on timeout. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
}

export function spawnGroup(name: string, args: string[], cwd: string): GroupChild {
  const child = spawn(process.execPath, args, {
    cwd,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const lines: string[] = [];
  let partial = '';
  const listeners = new Set<(line: string) => void>();
  const push = (d: Buffer) => {
    const parts = (partial + d.toString()).split(/\r?\n/);
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 500) lines.shift();
      for (const l of listeners) l(line);
    }
  };
  child.stdout?.on('data', push);
  child.stderr?.on('data', push);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const removeExitHook = onExit(() => {
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  });
  const stop = onCleanup(name, async () => {
    const pid = child.pid;
    if (pid !== undefined && child.exitCode === null && child.signalCode === null) {
      signalGroup(pid, 'SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      for (let i = 0; i < 20 && signalGroup(pid, 0); i++) await sleep(100);
      if (signalGroup(pid, 'SIGKILL')) for (let i = 0; i < 20 && signalGroup(pid, 0); i++) await sleep(100);
    }
    removeExitHook();
  });
  return {
    child,
    output: () => [...lines, partial].join('\n'),
    waitFor: (re, timeoutMs) =>
      new Promise((resolve, reject) => {
        for (const line of lines) {
          const m = re.exec(line);
          if (m) return resolve(m);
        }
        const timer = setTimeout(
          () => done(new Error(`${name}: no output matching ${re} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        const onLine = (line: string) => {
          const m = re.exec(line);
          if (m) done(null, m);
        };
        const onEnd = () => done(new Error(`${name} ended before it was ready:\n${lines.slice(-40).join('\n')}`));
        function done(err: Error | null, m?: RegExpMatchArray) {
          clearTimeout(timer);
          listeners.delete(onLine);
          child.removeListener('exit', onEnd);
          if (err) reject(err);
          else resolve(m!);
        }
        listeners.add(onLine);
        child.once('exit', onEnd);
      }),
    stop,
  };
}

/** Runs a node script to its end; rejects with its output on a non-zero exit. */
export function runNode(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`node ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${out.slice(-4000)}`));
    });
  });
}
