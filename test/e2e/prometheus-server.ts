// A real Prometheus (Debian's `prometheus` package) for the e2e suite: started on a
// free port with a generated config and a temporary storage directory, scraping the
// router's /metrics every second, and stopped (its process group killed) at teardown.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/stack.ts';
import { signalGroup, sleep } from '../../scripts/lib/process-group.ts';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface PrometheusServer {
  url: string;
  /** An instant query through the HTTP API; the `data.result` vector. */
  query(
    expr: string,
    time?: number,
  ): Promise<Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>>;
  logs(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(target: { url: string; bearer: string }): Promise<PrometheusServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'router-prometheus-'));
  const port = await freePort();
  const { host } = new URL(target.url);
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: router',
    '    metrics_path: /metrics',
    '    authorization:',
    '      type: Bearer',
    `      credentials: ${JSON.stringify(target.bearer)}`,
    '    static_configs:',
    `      - targets: [${JSON.stringify(host)}]`,
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'prometheus.yml'), config);
  let output = '';
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid !== undefined && signalGroup(child.pid, 'SIGTERM')) {
      for (let i = 0; i < 50 && signalGroup(child.pid, 0); i++) await sleep(100);
      signalGroup(child.pid, 'SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) =>
        reject(new Error(`cannot start ${PROMETHEUS_BIN} (apt-get install prometheus): ${err.message}`)),
      );
    });
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${output}`);
      const ready = await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (i > 300) throw new Error(`prometheus was not ready within 30 s:\n${output}`);
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    async query(expr, time) {
      const params = new URLSearchParams({ query: expr, ...(time !== undefined ? { time: String(time) } : {}) });
      const res = await fetch(`${url}/api/v1/query?${params}`);
      const body = (await res.json()) as { status: string; error?: string; data: { result: never[] } };
      if (body.status !== 'success') throw new Error(`prometheus query ${expr}: ${body.error}`);
      return body.data.result;
    },
    logs: () => output,
    stop,
  };
}
