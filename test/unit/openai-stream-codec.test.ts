import { describe, expect, it } from 'vitest';
import { OpenAIPassthroughCodec } from '../../src/protocols/openai-passthrough/stream-codec';

const chunk = (content: string, extra = '') =>
  `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"org/llama","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]${extra}}\n\n`;
const usageChunk =
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"org/llama","choices":[],"usage":{"prompt_tokens":9,"total_tokens":11,"completion_tokens":2}}\n\n';

function codec(clientWantsUsage = false) {
  return new OpenAIPassthroughCodec({ originModel: 'org/llama', endpointName: 'demo', clientWantsUsage });
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

  it('turns an in-stream origin error into an OpenAI error event', () => {
    const c = codec();
    const out = c.push('data:{"error":{"message":"Input validation error","http_status_code":422}}\n\n');
    const first = JSON.parse(out.split('\n\n')[0]!.slice('data: '.length));
    expect(first.error.message).toContain('Input validation error');
    expect(first.error.code).toBe('origin_error');
    expect(c.errored).toBe(true);
    expect(c.end()).toBe('');
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
