import { describe, expect, it } from 'vitest';
import { GenerateOnOpenAICodec } from '../../src/protocols/generate-on-openai/stream-codec';

const chunk = (
  text: string,
  offsets: number[],
  ids: number[],
  finish: string | null = null,
  stopReason: unknown = null,
) =>
  `data: ${JSON.stringify({
    id: 'cmpl-1',
    object: 'text_completion',
    created: 1,
    model: 'm',
    choices: [
      {
        index: 0,
        text,
        logprobs: {
          text_offset: offsets,
          token_logprobs: ids.map(() => -0.5),
          tokens: ids.map((i) => `token_id:${i}`),
          top_logprobs: [],
        },
        finish_reason: finish,
        stop_reason: stopReason,
      },
    ],
    usage: null,
  })}\n\n`;
const usage =
  'data: {"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":4,"total_tokens":9,"completion_tokens":5}}\n\n';

function parse(out: string) {
  return out
    .split('\n\n')
    .filter(Boolean)
    .map((e) => {
      expect(e.startsWith('data:{')).toBe(true);
      return JSON.parse(e.slice(5));
    });
}

describe('GenerateOnOpenAICodec', () => {
  it('splits a multi-token chunk into one TGI event per token, text cut at the offsets', () => {
    const codec = new GenerateOnOpenAICodec({ prefix: '', wantDetails: false, seed: null });
    const events = parse(codec.push(chunk(' Hello world', [0, 6], [11, 12])));
    expect(events).toEqual([
      {
        index: 1,
        token: { id: 11, text: ' Hello', logprob: -0.5, special: false },
        generated_text: null,
        details: null,
      },
      {
        index: 2,
        token: { id: 12, text: ' world', logprob: -0.5, special: false },
        generated_text: null,
        details: null,
      },
    ]);
  });

  it('holds the final event until the usage chunk, then sends generated_text and details', () => {
    const codec = new GenerateOnOpenAICodec({ prefix: 'Q:', wantDetails: true, seed: 7 });
    const first = parse(codec.push(chunk(' a', [0], [1]) + chunk(' b stop', [2, 4], [2, 3], 'stop', 'stop')));
    expect(first.map((e) => e.index)).toEqual([1, 2]);
    expect(codec.complete).toBe(false);
    const final = parse(codec.push(usage + 'data: [DONE]\n\n'));
    expect(final).toEqual([
      {
        index: 3,
        token: { id: 3, text: ' stop', logprob: -0.5, special: false },
        generated_text: 'Q: a b stop',
        details: { finish_reason: 'stop_sequence', generated_tokens: 5, seed: 7, input_length: 4 },
      },
    ]);
    expect(codec.usage).toEqual({ promptTokens: 4, completionTokens: 5 });
    expect(codec.end()).toBe('');
  });

  it('synthesizes the special EOS token when generation ends on EOS with no text', () => {
    const codec = new GenerateOnOpenAICodec({ prefix: '', wantDetails: true, seed: null });
    codec.push(chunk(' a', [0], [1]));
    const out = parse(codec.push(chunk('', [], [], 'stop', null) + usage));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      index: 2,
      token: { special: true, text: '' },
      generated_text: ' a',
      details: { finish_reason: 'eos_token' },
    });
  });

  it('turns origin errors and truncated streams into TGI error events', () => {
    const failing = new GenerateOnOpenAICodec({ prefix: '', wantDetails: false, seed: null });
    const err = parse(
      failing.push('data: {"error":{"message":"boom","type":"InternalServerError","param":null,"code":500}}\n\n'),
    );
    expect(err).toEqual([{ error: 'Request failed during generation: boom', error_type: 'generation' }]);
    const spaced = new GenerateOnOpenAICodec({ prefix: '', wantDetails: false, seed: null });
    expect(parse(spaced.push('data: { "error": { "message": "boom" } }\n\n'))).toEqual([
      { error: 'Request failed during generation: boom', error_type: 'generation' },
    ]);
    const truncated = new GenerateOnOpenAICodec({ prefix: '', wantDetails: false, seed: null });
    truncated.push(chunk(' a', [0], [1]));
    expect(parse(truncated.end())).toEqual([
      { error: 'The origin ended the stream before the final event', error_type: 'incomplete_generation_stream' },
    ]);
  });

  it('maps abort/error finish reasons to a generation error', () => {
    const codec = new GenerateOnOpenAICodec({ prefix: '', wantDetails: false, seed: null });
    const out = parse(codec.push(chunk('', [], [], 'abort')));
    expect(out[0]).toMatchObject({ error_type: 'generation' });
    expect(codec.errored).toBe(true);
  });
});
