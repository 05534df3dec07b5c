import { describe, expect, it } from 'vitest';
import { OpenAIPassthroughScanner } from '../../src/protocols/openai-passthrough/stream-scanner';
import { pythonJsonEvents } from '../origin/sse';

const enc = new TextEncoder();
const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const ROLE = chunk({ role: 'assistant', content: '' });
const TOKENS = ['Hel', 'lo', ' wor', 'ld'].map((t) => chunk({ content: t })).join('');
const USAGE = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [], usage: { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 } })}\n\n`;
const DONE = 'data: [DONE]\n\n';

/** Scans `text` cut into batches of `size` bytes (events cut anywhere, characters too). */
function scan(text: string, size: number): OpenAIPassthroughScanner {
  const bytes = enc.encode(text);
  const scanner = new OpenAIPassthroughScanner();
  for (let i = 0; i < bytes.length; i += size) scanner.push(bytes.subarray(i, i + size));
  return scanner;
}

describe('OpenAIPassthroughScanner', () => {
  it('reads the usage chunk and [DONE] however the stream is cut', () => {
    const text = ROLE + TOKENS + USAGE + DONE;
    for (const size of [1, 2, 3, 7, 64, 1000, text.length]) {
      const s = scan(text, size);
      expect(s.end()).toBe('');
      expect({ usage: s.usage, complete: s.complete, errored: s.errored }).toEqual({
        usage: { promptTokens: 7, completionTokens: 4 },
        complete: true,
        errored: false,
      });
    }
  });

  it('counts content chunks (not the role announcement) when the origin sends no usage', () => {
    const s = scan(ROLE + TOKENS + DONE, 5);
    s.end();
    expect(s.usage).toEqual({ promptTokens: 0, completionTokens: 4 });
  });

  it('takes the last usage when every chunk carries one (continuous usage stats)', () => {
    const withUsage = (n: number) => chunk({ content: 'x' }, { usage: { prompt_tokens: 3, completion_tokens: n } });
    const s = scan(withUsage(1) + withUsage(2) + withUsage(3) + DONE, 11);
    s.end();
    expect(s.usage).toEqual({ promptTokens: 3, completionTokens: 3 });
  });

  it('reads JSON written as Python\'s json.dumps writes it (`"usage": {`), however the stream is cut', () => {
    const text = ROLE + TOKENS + USAGE + DONE;
    for (const size of [1, 3, 64, text.length]) {
      const s = scan(pythonJsonEvents(text), size);
      expect(s.end()).toBe('');
      expect(s.usage).toEqual({ promptTokens: 7, completionTokens: 4 });
    }
    const counted = scan(pythonJsonEvents(ROLE + TOKENS + DONE), 5);
    counted.end();
    expect(counted.usage).toEqual({ promptTokens: 0, completionTokens: 4 });
  });

  it('takes no usage from text the model wrote (a content string holding `"usage": {…}`)', () => {
    const quoting = chunk({ content: 'say {"usage": {"prompt_tokens": 99, "completion_tokens": 99}}' });
    for (const text of [ROLE + quoting + TOKENS + DONE, pythonJsonEvents(ROLE + quoting + TOKENS + DONE)]) {
      const s = scan(text, 64);
      s.end();
      expect(s.usage).toEqual({ promptTokens: 0, completionTokens: 5 });
    }
  });

  it('reads CRLF framing and multi-byte characters cut between batches', () => {
    const text = (ROLE + chunk({ content: 'héllo ✓' }) + USAGE + DONE).replace(/\n/g, '\r\n');
    const s = scan(text, 3);
    expect(s.end()).toBe('');
    expect(s.usage).toEqual({ promptTokens: 7, completionTokens: 4 });
  });

  it('sees an in-stream error event and appends nothing after it', () => {
    const s = scan(ROLE + TOKENS + 'data: {"error": {"message": "boom", "code": 500}}\n\n', 4);
    expect(s.errored).toBe(true);
    expect(s.end()).toBe('');
    expect(s.fail('late', 'x')).toBe('');
  });

  it('sees an error event written as spaced JSON, however the stream is cut', () => {
    const text = ROLE + TOKENS + 'data: { "error" : { "message": "boom" } }\n\n';
    for (const size of [1, 3, 7, 64, text.length]) {
      const s = scan(text, size);
      expect(s.errored).toBe(true);
      expect(s.end()).toBe('');
    }
  });

  it('does not take a token that spells an error or [DONE] for one', () => {
    const s = scan(chunk({ content: '{"error": no' }) + chunk({ content: 'data: [DONE]' }), 9);
    expect(s.errored).toBe(false);
    expect(s.complete).toBe(false);
  });

  it('a stream that ends before [DONE] gets the truncation error event, once', () => {
    const s = scan(ROLE + TOKENS, 16);
    const tail = s.end();
    expect(tail).toMatch(/^data: \{"error":\{"message":"The origin ended the stream before the response was complete"/);
    expect(tail).toContain('"code":"origin_stream_truncated"');
    expect(tail.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(s.errored).toBe(true);
    expect(s.fail('again', 'x')).toBe('');
  });
});
