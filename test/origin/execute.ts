// Sends a Plan under a fault mode, and settles the request's stats outcome and the tokens it wrote.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { faultResponse, type Mode } from './modes.ts';
import { text, type BodyPlan, type Flavor, type Plan, type StreamPlan } from './plan.ts';
import { errorFrames, pythonJsonEvents, TGI_KEEPALIVE, TGI_KEEPALIVE_MS } from './sse.ts';
import type { Tracker } from './stats.ts';

type Conn = {
  req: IncomingMessage;
  res: ServerResponse;
  tracker: Tracker;
  /** Resolves after `ms`, or at once when the connection closes. */
  sleep(ms: number): Promise<void>;
  /** Resolves when the connection closes. */
  untilClosed(): Promise<void>;
  gone(): boolean;
  /** The emulator cuts the connection itself (drop / reset). */
  cut(reset: boolean): void;
};

function connection(req: IncomingMessage, res: ServerResponse, tracker: Tracker): Conn {
  let closed = false;
  let selfCut = false;
  const waiters = new Set<() => void>();
  res.on('error', () => {});
  res.on('close', () => {
    closed = true;
    if (!res.writableFinished && !selfCut) tracker.finish('aborted');
    for (const w of waiters) w();
    waiters.clear();
  });
  const untilClosed = () =>
    new Promise<void>((resolve) => {
      if (closed) resolve();
      else waiters.add(resolve);
    });
  return {
    req,
    res,
    tracker,
    untilClosed,
    gone: () => closed,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        if (closed || ms <= 0) return resolve();
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        waiters.add(wake);
      }),
    cut: (reset) => {
      selfCut = true;
      tracker.finish('dropped');
      const socket = req.socket;
      if (reset) socket.resetAndDestroy();
      else socket.destroy();
    },
  };
}

function tokenDelay(mode: Mode): number {
  return mode.name === 'slow' || mode.name === 'normal' || mode.name === 'json-dumps' ? mode.arg : 2;
}

async function sendBody(c: Conn, plan: BodyPlan, mode: Mode): Promise<void> {
  const payload = Buffer.from(plan.body);
  const headers = { ...plan.headers, 'content-length': String(payload.length) };
  c.tracker.setStatus(plan.status);
  if (mode.name === 'stall') return c.untilClosed();
  if (mode.name === 'slow') await c.sleep(plan.tokens * mode.arg);
  if (c.gone()) return;
  if (mode.name === 'drop') {
    c.res.writeHead(plan.status, headers);
    c.res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => c.cut(false));
    return;
  }
  c.res.writeHead(plan.status, headers);
  c.res.end(payload, () => {
    if (plan.status < 400) {
      reportPrompt(c.tracker, plan.headers, plan.body);
      c.tracker.wrote(plan.tokens);
    }
    c.tracker.finish(plan.status < 400 ? 'completed' : 'error');
  });
}

/**
 * A 500 in plain text that quotes the request's credentials (`authorization`, else `x-api-key`)
 * after `filler` characters, as a misbehaving gateway in front of a provider might: a leak the
 * router must cut out of whatever it logs or answers. The filler places the key where a caller
 * that shortens the text would cut through it.
 */
function echoKey(req: IncomingMessage, filler: number): BodyPlan {
  return text(500, `${'.'.repeat(filler)}${echoedCredential(req)}`);
}

/** The text that quotes the request's credentials (`authorization`, else `x-api-key`), for echo-key and instream-echo-key. */
function echoedCredential(req: IncomingMessage): string {
  const name = req.headers.authorization !== undefined ? 'authorization' : 'x-api-key';
  const credential = String(req.headers[name] ?? '(none)');
  return `upstream failed; request header ${name}: ${credential}`;
}

/** The last prompt count in what was written: TGI's `x-prompt-tokens` header, or a usage object's `prompt_tokens` / `input_tokens`. */
function reportPrompt(tracker: Tracker, headers: Record<string, string> | null, data: string): void {
  const header = headers?.['x-prompt-tokens'];
  if (header !== undefined) tracker.reportedPrompt(Number(header));
  if (!data.includes('_tokens"')) return;
  const counts = [...data.matchAll(/"(?:prompt_tokens|input_tokens)":(\d+)/g)];
  const last = counts.at(-1)?.[1];
  if (last !== undefined) tracker.reportedPrompt(Number(last));
}

/** Index of the frame before which a drop/stall/instream-error fault fires (after `n` token frames). */
function faultIndex(plan: StreamPlan, n: number): number {
  let seen = 0;
  let lastToken = -1;
  for (let i = 0; i < plan.frames.length; i++) {
    if (!plan.frames[i]?.token) continue;
    if (seen === n) return i;
    seen++;
    lastToken = i;
  }
  return lastToken + 1;
}

async function sendStream(c: Conn, plan: StreamPlan, mode: Mode, flavor: Flavor): Promise<void> {
  const faulty =
    mode.name === 'drop' ||
    mode.name === 'stall' ||
    mode.name === 'instream-error' ||
    mode.name === 'instream-echo-key';
  // stall/0 hangs right after the headers, before any event (even a role-only chunk).
  const at = faulty ? (mode.name === 'stall' && mode.arg === 0 ? 0 : faultIndex(plan, mode.arg)) : -1;
  const delay = tokenDelay(mode);
  c.tracker.setStatus(plan.status);
  c.res.writeHead(plan.status, plan.headers);
  c.res.flushHeaders();
  reportPrompt(c.tracker, plan.headers, '');
  const keepAlive =
    flavor === 'tgi'
      ? setInterval(() => {
          if (!c.gone()) c.res.write(TGI_KEEPALIVE);
        }, TGI_KEEPALIVE_MS)
      : null;
  let flushed: Promise<void> = Promise.resolve();
  try {
    for (let i = 0; i <= plan.frames.length; i++) {
      if (c.gone()) return;
      if (i === at) {
        if (mode.name === 'drop') {
          await Promise.race([flushed, c.untilClosed()]); // let the frames already written reach the client first
          return c.cut(false);
        }
        if (mode.name === 'stall') return await c.untilClosed();
        const message = mode.name === 'instream-echo-key' ? echoedCredential(c.req) : 'emulated failure';
        for (const f of errorFrames(plan.style, message)) c.res.write(f);
        c.res.end(() => c.tracker.finish('error'));
        return;
      }
      const frame = plan.frames[i];
      if (frame === undefined) break;
      if (frame.token) await c.sleep(delay);
      if (c.gone()) return;
      if (frame.data !== '') {
        const data = mode.name === 'json-dumps' ? pythonJsonEvents(frame.data) : frame.data;
        flushed = new Promise<void>((resolve) => c.res.write(data, () => resolve()));
        reportPrompt(c.tracker, null, frame.data);
      }
      if (frame.token) c.tracker.wrote(1);
    }
    c.res.end(() => c.tracker.finish(plan.failed ? 'error' : 'completed'));
  } finally {
    if (keepAlive) clearInterval(keepAlive);
  }
}

export async function execute(
  req: IncomingMessage,
  res: ServerResponse,
  tracker: Tracker,
  plan: Plan,
  mode: Mode,
  flavor: Flavor,
): Promise<void> {
  const c = connection(req, res, tracker);
  switch (mode.name) {
    case 'reset':
      return c.cut(true);
    case 'flap':
      // Up in even windows of `arg` ms, down (connection reset) in odd ones.
      if (Math.floor(Date.now() / Math.max(mode.arg, 1)) % 2 === 1) return c.cut(true);
      return plan.kind === 'body' ? sendBody(c, plan, mode) : sendStream(c, plan, mode, flavor);
    case 'error500':
    case 'error424':
    case 'error429':
    case 'error403':
    case 'error529':
      return sendBody(c, faultResponse(mode.name, flavor), mode);
    case 'redirect': {
      // 307 to the same URL without the mode prefix (where the request would succeed).
      const location = (req.url ?? '/').replace(/\/mode\/redirect(\/\d+)?/, '') || '/';
      return sendBody(c, { kind: 'body', status: 307, headers: { location }, body: '', tokens: 0 }, mode);
    }
    case 'echo-key':
      return sendBody(c, echoKey(req, mode.arg), mode);
    case 'instream-echo-key':
      if (plan.kind === 'body') return sendBody(c, echoKey(req, 0), mode);
      return sendStream(c, plan, mode, flavor);
    case 'instream-error':
      if (plan.kind === 'body') return sendBody(c, plan.status < 400 ? faultResponse('error500', flavor) : plan, mode);
      return sendStream(c, plan, mode, flavor);
    default:
      return plan.kind === 'body' ? sendBody(c, plan, mode) : sendStream(c, plan, mode, flavor);
  }
}
