import { describe, expect, it } from 'vitest';
import { OpenAIPassthroughCodec } from '../../src/protocols/openai-passthrough/stream-codec';
import { pythonJsonEvents } from '../origin/sse';

const chunk = (content: string, extra = '') =>
  `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"org/llama","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]${extra}}\n\n`;
const usageChunk =
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"org/llama","choices":[],"usage":{"prompt_tokens":9,"total_tokens":11,"completion_tokens":2}}\n\n';

/** `renames`: the endpoint's name differs from the origin's model id (false: the origin serves the endpoint's name). */
function codec(clientWantsUsage = false, renames = true) {
  return new OpenAIPassthroughCodec({
    originModel: 'org/llama',
    endpointName: renames ? 'demo' : 'org/llama',
    clientWantsUsage,
  });
}

describe('OpenAIPassthroughCodec', () => {
  it('renames the model in every chunk and re-frames as `data: `', () => {
    const c = codec();
    const out = c.push(chunk('Hi').replace('data: ', 'data:'));
    expect(out.startsWith('data: {')).toBe(true);
    expect(out).toContain('"model":"demo"');
    expect(out).not.toContain('org/llama');
  });

  it('drops the usage chunk it asked for when the client did not, but records the usage', () => {
    const c = codec(false);
    const out = c.push(chunk('Hi') + chunk('!') + usageChunk + 'data: [DONE]\n\n');
    expect(out).not.toContain('"usage"');
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(c.usage).toEqual({ promptTokens: 9, completionTokens: 2 });
    expect(c.complete).toBe(true);
  });

  it('keeps the usage chunk when the client asked for it', () => {
    const c = codec(true);
    expect(c.push(usageChunk)).toContain('"usage":{"prompt_tokens":9');
  });

  it('counts content chunks when the origin reports no usage', () => {
    const c = codec();
    c.push(chunk('a') + chunk('b') + chunk('c'));
    expect(c.usage).toEqual({ promptTokens: 0, completionTokens: 3 });
  });

  it('does not count the chunk that opens a stream announcing the role: it carries no token', () => {
    const role = chunk('').replace('"delta":{"content":""}', '"delta":{"role":"assistant","content":""}');
    const c = codec();
    c.push(role + chunk('a') + chunk('b'));
    expect(c.usage).toEqual({ promptTokens: 0, completionTokens: 2 });
    const bytes = codec();
    bytes.pushBytes(new TextEncoder().encode(role + chunk('a') + chunk('b')));
    expect(bytes.usage).toEqual({ promptTokens: 0, completionTokens: 2 });
    // TGI's Messages API names the role in every chunk, with its token: each counts.
    const tgi = codec();
    tgi.push(chunk('a').replace('"delta":{', '"delta":{"role":"assistant",') + chunk('b'));
    expect(tgi.usage).toEqual({ promptTokens: 0, completionTokens: 2 });
  });

  it('turns an in-stream origin error into an OpenAI error event', () => {
    const c = codec();
    const out = c.push('data:{"error":{"message":"Input validation error","http_status_code":422}}\n\n');
    const first = JSON.parse(out.split('\n\n')[0]!.slice('data: '.length));
    expect(first.error.message).toContain('Input validation error');
    expect(first.error.code).toBe('origin_error');
    expect(c.errored).toBe(true);
    expect(c.end()).toBe('');
  });

  it('reads an error event written as spaced JSON (`{ "error": …}`) as an error, not as content', () => {
    for (const data of ['{ "error": { "message": "out of memory" } }', '{\t"error" :{"message":"out of memory"}}']) {
      const c = codec();
      const out = c.push(chunk('x') + `data: ${data}\n\n` + chunk('after'));
      const events = out.split('\n\n').filter(Boolean);
      expect(JSON.parse(events[1]!.slice('data: '.length)).error).toMatchObject({
        message: 'Origin error: out of memory',
        code: 'origin_error',
      });
      expect(out).not.toContain('after');
      expect(c.errored).toBe(true);
    }
  });

  it('reports a stream that ends without [DONE] as an error', () => {
    const c = codec();
    c.push(chunk('partial'));
    const tail = c.end();
    expect(tail).toContain('"code":"origin_stream_truncated"');
    expect(c.errored).toBe(true);
  });

  it('renames a model the origin reports under another id', () => {
    const c = codec();
    const out = c.push(chunk('x').replace('"org/llama"', '"tgi-internal"'));
    expect(JSON.parse(out.slice(6)).model).toBe('demo');
  });

  it('passes keep-alive comments through', () => {
    expect(codec().push(':\n\n')).toBe(':\n\n');
  });
});

describe('OpenAIStreamCodec on bytes (pushBytes)', () => {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const run = (text: string, cuts: number[], clientWantsUsage = false, renames = true) => {
    const c = codec(clientWantsUsage, renames);
    const bytes = enc.encode(text);
    let out = '';
    let at = 0;
    for (const cut of [...cuts, bytes.length]) {
      out += dec.decode(c.pushBytes(bytes.subarray(at, cut)), { stream: true });
      at = cut;
    }
    out += c.end();
    return { out, usage: c.usage, complete: c.complete, errored: c.errored };
  };
  const viaText = (text: string, clientWantsUsage = false, renames = true) => {
    const c = codec(clientWantsUsage, renames);
    const out = c.push(text) + c.end();
    return { out, usage: c.usage, complete: c.complete, errored: c.errored };
  };
  const streams: Record<string, string> = {
    plain: chunk('Hi') + chunk(' there') + usageChunk + 'data: [DONE]\n\n',
    'no usage, counted': chunk('a') + chunk('b') + chunk('c') + 'data: [DONE]\n\n',
    'role chunk first, no usage':
      chunk('').replace('"delta":{"content":""}', '"delta":{"role":"assistant","content":""}') +
      chunk('a') +
      chunk('b') +
      'data: [DONE]\n\n',
    'multi-byte content': chunk('héllo wörld ✓ 日本語') + chunk('🙂') + 'data: [DONE]\n\n',
    'comments and data: without a space':
      ': keep-alive\n\n' + chunk('x').replace('data: ', 'data:') + chunk('y') + 'data: [DONE]\n\n',
    'another model id': chunk('x').replace('"org/llama"', '"tgi-internal"') + chunk('y') + 'data: [DONE]\n\n',
    'in-stream error':
      chunk('x') + 'data:{"error":{"message":"Input validation error","http_status_code":422}}\n\n' + chunk('after'),
    'error event name': chunk('x') + 'event: error\ndata: {"message":"boom"}\n\n' + chunk('after'),
    'in-stream error, spaced JSON': chunk('x') + 'data: { "error": { "message": "boom" } }\n\n' + chunk('after'),
    'truncated (no [DONE])': chunk('x') + chunk('y'),
    'unfinished last event': chunk('x') + 'data: [DONE]',
    CRLF: chunk('x').replace('\n\n', '\r\n\r\n') + chunk('y').replace('\n\n', '\r\n\r\n') + 'data: [DONE]\r\n\r\n',
    'multi-line data': 'data: {"a":\ndata: 1}\n\n' + chunk('x') + 'data: [DONE]\n\n',
    "Python's json.dumps": pythonJsonEvents(chunk('Hi') + chunk(' there') + usageChunk + 'data: [DONE]\n\n'),
    "Python's json.dumps, no usage": pythonJsonEvents(chunk('a') + chunk('b') + chunk('c') + 'data: [DONE]\n\n'),
  };

  for (const [name, text] of Object.entries(streams)) {
    it(`gives the text path's output, usage and state: ${name}`, () => {
      const want = viaText(text);
      const n = enc.encode(text).length;
      // One chunk, every event boundary shifted, and cuts at every byte for the first 300 bytes.
      expect(run(text, [])).toEqual(want);
      for (let cut = 1; cut < Math.min(n, 300); cut++) expect(run(text, [cut])).toEqual(want);
      expect(
        run(
          text,
          Array.from({ length: Math.floor(n / 7) }, (_, i) => (i + 1) * 7),
        ),
      ).toEqual(want);
      expect(run(text, [], true)).toEqual(viaText(text, true));
      // The origin serving the endpoint's name: nothing to rename, and chunks can go out as their own bytes.
      const same = viaText(text, true, false);
      expect(run(text, [], true, false)).toEqual(same);
      for (let cut = 1; cut < Math.min(n, 300); cut++) expect(run(text, [cut], true, false)).toEqual(same);
    });
  }

  it('gives the same output however the bytes are cut: a byte-order mark, a character cut after an event', () => {
    const texts = [
      '\ufeff' + chunk('x') + chunk('y') + 'data: [DONE]\n\n',
      chunk('x') + '\u00e9' + chunk('y') + chunk('z') + 'data: [DONE]\n\n',
    ];
    for (const text of texts) {
      for (const renames of [true, false]) {
        const whole = run(text, [], true, renames);
        const n = enc.encode(text).length;
        for (let cut = 1; cut < n; cut++) expect(run(text, [cut], true, renames)).toEqual(whole);
        for (let cut = 1; cut + 1 < n; cut += 5) expect(run(text, [cut, cut + 1], true, renames)).toEqual(whole);
      }
    }
    expect(run(texts[0]!, [], true, false).out.startsWith('data: ')).toBe(true);
  });

  it('sends a chunk it has nothing to change in as the bytes it came in, not encoded again', () => {
    const c = codec(true, false);
    c.pushBytes(enc.encode(chunk('first')));
    const bytes = enc.encode(chunk('Hi') + chunk(' there') + usageChunk);
    expect(c.pushBytes(bytes)).toBe(bytes);
    expect(c.usage).toEqual({ promptTokens: 9, completionTokens: 2 });
    // Half an event carried over from the chunk before: the chunk's bytes are not the events that go out.
    const event = enc.encode(chunk('a'));
    expect(dec.decode(c.pushBytes(event.subarray(0, 20)))).toBe('');
    const rest = event.subarray(20);
    const out = c.pushBytes(rest);
    expect(out).not.toBe(rest);
    expect(dec.decode(out)).toBe(chunk('a'));
  });

  it("reads usage and counts content in JSON written as Python's json.dumps writes it", () => {
    const usage = run(pythonJsonEvents(streams.plain!), [], true);
    expect(usage.usage).toEqual({ promptTokens: 9, completionTokens: 2 });
    const counted = run(pythonJsonEvents(streams['no usage, counted']!), [40], false, false);
    expect(counted.usage).toEqual({ promptTokens: 0, completionTokens: 3 });
    // Text the model wrote is no usage: its quotes are escaped.
    const quoting = chunk('{"usage": {"prompt_tokens": 99}}') + chunk('b') + 'data: [DONE]\n\n';
    for (const text of [quoting, pythonJsonEvents(quoting)])
      expect(run(text, [], true).usage).toEqual({ promptTokens: 0, completionTokens: 2 });
  });

  it('passes an ordinary content event through with only the model replaced', () => {
    const c = codec();
    const out = dec.decode(c.pushBytes(enc.encode(chunk('Hi'))));
    expect(out).toBe(chunk('Hi').replace('"model":"org/llama"', '"model":"demo"'));
    expect(c.usage).toEqual({ promptTokens: 0, completionTokens: 1 });
  });
});
