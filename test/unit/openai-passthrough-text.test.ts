import { describe, expect, it } from 'vitest';
import {
  openaiPassthroughResponse,
  openaiPassthroughText,
} from '../../src/protocols/openai-passthrough/response-translation';

const FROM = '"model":"meta-llama/Llama-3.1-8B-Instruct"';
const TO = '"model":"chat"';

/** The text path's answer, checked against the parsing path's: the same JSON and the same usage. */
function passText(text: string) {
  const fast = openaiPassthroughText(text, FROM, TO);
  if (fast) {
    const parsed = openaiPassthroughResponse(JSON.parse(text), 'chat');
    expect(JSON.parse(fast.body)).toEqual(parsed.body);
    expect(fast.usage).toEqual(parsed.usage);
  }
  return fast;
}

const vllmChat = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Say "model":"x" and {"usage":{}}' }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 12, total_tokens: 19, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 3 } },
});

describe('the OpenAI passthrough answer on its text (no parse)', () => {
  it("replaces the origin's model id in place and reads the usage where it stands", () => {
    const out = passText(vllmChat)!;
    expect(out.usage).toEqual({ promptTokens: 12, completionTokens: 7 });
    expect(out.body).toBe(vllmChat.replace(FROM, TO));
    expect(out.body).toContain('Say \\"model\\":\\"x\\"'); // the content, escaped, is left alone
  });

  it('reads completions and embeddings answers, and one without usage, as the parsing path does', () => {
    const completion = JSON.stringify({
      id: 'cmpl-1',
      object: 'text_completion',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      choices: [{ index: 0, text: 'hi', finish_reason: 'length' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
    expect(passText(completion)?.usage).toEqual({ promptTokens: 3, completionTokens: 1 });
    const embedding = JSON.stringify({
      object: 'list',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2] }],
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
    expect(passText(embedding)?.usage).toEqual({ promptTokens: 5, completionTokens: 0 });
    const noUsage = JSON.stringify({ id: 'x', model: 'meta-llama/Llama-3.1-8B-Instruct', choices: [] });
    expect(passText(noUsage)?.usage).toEqual({ promptTokens: 0, completionTokens: 0 });
    expect(passText(`${noUsage}\n`)).toBeDefined(); // a trailing newline is fine
  });

  it('leaves anything else to the parsing path', () => {
    const cases = [
      vllmChat.replace(FROM, '"model": "meta-llama/Llama-3.1-8B-Instruct"'), // formatted differently
      vllmChat.replace(FROM, '"model":"another-model"'), // another id (a provider's dated snapshot)
      vllmChat.replace('"usage":{', '"usage": {'),
      vllmChat.replace('"prompt_tokens":12', '"prompt_tokens":12.0'),
      vllmChat.replace('"prompt_tokens":12', '"prompt_tokens":-1'),
      vllmChat.replace('"prompt_tokens":12', '"prompt_tokens":"12"'),
      vllmChat.replace('"created":1', '"created":1,"meta":{"prompt_tokens":4}'), // a count outside usage
      vllmChat.replace('"created":1', '"created":1,"object_model":{"model":"m"}'), // a second "model" key
      vllmChat.replace(/,"usage":.*\}$/, ',"usage":null}'),
      `[${vllmChat}]`,
      '',
    ];
    for (const text of cases) expect(passText(text), text).toBeUndefined();
  });
});
