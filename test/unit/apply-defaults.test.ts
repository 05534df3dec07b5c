import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../src/endpoints/apply-defaults';

const defaults = { system_prompt: 'Be brief.', temperature: 0.2, max_tokens: 64, stop: ['###'], top_k: 20 };

describe('applyDefaults', () => {
  it('fills absent and null fields and prepends the system prompt', () => {
    const out = applyDefaults('chat', { messages: [{ role: 'user', content: 'hi' }], temperature: null }, defaults);
    expect(out).toMatchObject({ temperature: 0.2, max_tokens: 64, stop: ['###'], top_k: 20 });
    expect(out.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('keeps what the request sets, including its own system message', () => {
    const body = {
      messages: [
        { role: 'system', content: 'Mine.' },
        { role: 'user', content: 'hi' },
      ],
      temperature: 0.9,
      max_completion_tokens: 5,
    };
    const out = applyDefaults('chat', body, defaults);
    expect(out.temperature).toBe(0.9);
    expect(out.max_tokens).toBeUndefined();
    expect(out.messages).toBe(body.messages);
  });

  it('applies sampling defaults to completions but never a system prompt', () => {
    const out = applyDefaults('completions', { prompt: 'x' }, defaults);
    expect(out).toEqual({ prompt: 'x', temperature: 0.2, max_tokens: 64, stop: ['###'], top_k: 20 });
  });

  it('leaves embeddings alone', () => {
    const body = { input: 'x' };
    expect(applyDefaults('embeddings', body, defaults)).toBe(body);
  });
});
