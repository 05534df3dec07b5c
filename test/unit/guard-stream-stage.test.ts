import { describe, expect, it } from 'vitest';
import { answerFormat } from '../../src/guardrails/answer-formats';
import type { CheckResult } from '../../src/guardrails/check';
import { GuardCut, guardStream } from '../../src/guardrails/stream-stage';

const encoder = new TextEncoder();
const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'ep', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const pass: CheckResult = { outcome: 'pass', categories: [], durationMs: 0, error: null };

/** A guarded stream fed by hand, with checks that wait until the test lets them go. */
function harness(every: number, verdict: (text: string) => CheckResult) {
  const source = new TransformStream<Uint8Array, Uint8Array>();
  const writer = source.writable.getWriter();
  const abort = new AbortController();
  const checked: string[] = [];
  const gates: Array<() => void> = [];
  const out = guardStream(source.readable, answerFormat('chat'), {
    every,
    abort,
    check: async (texts) => {
      const text = texts.get(0) ?? '';
      checked.push(text);
      await new Promise<void>((resolve) => gates.push(resolve));
      return verdict(text);
    },
    onResult: (r) => (r.outcome === 'block' ? { cut: 'stopped: S1' } : {}),
  });
  const reader = out.getReader();
  let received = '';
  const decoder = new TextDecoder();
  const pumpOut = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      received += decoder.decode(value, { stream: true });
    }
  })();
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { writer, abort, checked, gates, received: () => received, pumpOut, settle };
}

describe('output guard on a stream', () => {
  it('holds answer frames until a check covers them, passes keep-alives at once, and checks the end', async () => {
    const h = harness(2, () => pass);
    await h.writer.write(encoder.encode(chunk('a')));
    await h.writer.write(encoder.encode(': keep-alive\n\n'));
    await h.settle();
    expect(h.received()).toBe(': keep-alive\n\n');
    await h.writer.write(encoder.encode(chunk('b') + chunk('c')));
    await h.settle();
    expect(h.checked).toEqual(['abc']); // one check on the whole answer so far
    expect(h.received()).toBe(': keep-alive\n\n');
    h.gates.shift()!();
    await h.settle();
    expect(h.received()).toBe(': keep-alive\n\n' + chunk('a') + chunk('b') + chunk('c'));
    await h.writer.write(encoder.encode(chunk('d') + 'data: [DONE]\n\n'));
    const closing = h.writer.close();
    await h.settle();
    expect(h.checked).toEqual(['abc', 'abcd']); // the end is checked even below the window
    expect(h.received()).not.toContain('[DONE]');
    h.gates.shift()!();
    await closing;
    await h.pumpOut;
    expect(h.received().endsWith(chunk('d') + 'data: [DONE]\n\n')).toBe(true);
  });

  it('cuts on a violation: drops what is held, ends with content_filter and an error event, aborts the request', async () => {
    const h = harness(1, (text) =>
      text.includes('bad') ? { outcome: 'block', categories: ['S1'], durationMs: 0, error: null } : pass,
    );
    await h.writer.write(encoder.encode(chunk('fine')));
    await h.settle();
    h.gates.shift()!();
    await h.settle();
    await h.writer.write(encoder.encode(chunk(' bad')));
    await h.settle();
    h.gates.shift()!();
    await h.pumpOut;
    const events = h.received().split('\n\n').filter(Boolean);
    expect(events[0]).toBe(chunk('fine').trim());
    expect(JSON.parse(events[1]!.slice(6)).choices[0]).toEqual({
      index: 0,
      delta: {},
      logprobs: null,
      finish_reason: 'content_filter',
    });
    expect(JSON.parse(events[2]!.slice(6)).error).toMatchObject({
      code: 'content_policy_violation',
      message: 'stopped: S1',
    });
    expect(events[3]).toBe('data: [DONE]');
    expect(h.received()).not.toContain('bad');
    expect(h.abort.signal.reason).toBeInstanceOf(GuardCut);
  });
});
