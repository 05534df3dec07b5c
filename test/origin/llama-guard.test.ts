import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GUARD_MODEL, guardVerdict, readGuardPrompt } from './llama-guard.ts';
import { startOrigin, type Origin } from './server.ts';
import { post } from './test-helpers.ts';

let origin: Origin;
beforeAll(async () => {
  origin = await startOrigin({ port: 0 });
});
afterAll(async () => {
  await origin.close();
});
beforeEach(() => origin.reset());

const NAMES: Record<string, string> = {
  S1: 'Violent Crimes',
  S2: 'Non-Violent Crimes',
  S3: 'Sex-Related Crimes',
  S6: 'Specialized Advice',
  S11: 'Suicide & Self-Harm',
};

/** Llama Guard 3's classification prompt, as the router writes it (test/worker/guardrails.test.ts checks the router's). */
function guardPrompt(
  turns: Array<{ role: string; content: string }>,
  role: 'User' | 'Agent',
  categories = Object.keys(NAMES),
): string {
  return (
    '<|start_header_id|>user<|end_header_id|>\n\n' +
    `Task: Check if there is unsafe content in '${role}' messages in conversations according our safety policy with the below categories.\n\n` +
    `<BEGIN UNSAFE CONTENT CATEGORIES>\n${categories.map((c) => `${c}: ${NAMES[c]}.`).join('\n')}\n<END UNSAFE CONTENT CATEGORIES>\n\n` +
    `<BEGIN CONVERSATION>\n\n${turns.map((t) => `${t.role}: ${t.content}`).join('\n\n')}\n\n<END CONVERSATION>\n\n` +
    `Provide your safety assessment for ONLY THE LAST ${role} message in the above conversation:\n` +
    " - First line must read 'safe' or 'unsafe'.\n" +
    ' - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n'
  );
}

const conversation = (user: string, agent?: string) => [
  { role: 'User' as const, content: user },
  ...(agent !== undefined ? [{ role: 'Agent' as const, content: agent }] : []),
];

describe('Llama Guard mode', () => {
  it('reads the role, the category list and the turns of the prompt', () => {
    const parsed = readGuardPrompt(guardPrompt(conversation('Hi\n\nthere', 'Hello'), 'Agent', ['S2', 'S11']));
    expect(parsed).toEqual({
      role: 'Agent',
      categories: ['S2', 'S11'],
      turns: [
        { role: 'User', content: 'Hi\n\nthere' },
        { role: 'Agent', content: 'Hello' },
      ],
    });
    expect(readGuardPrompt('Tell me a story')).toBeNull();
  });

  it('judges only the last turn of the assessed role, and only listed categories', () => {
    expect(guardVerdict(guardPrompt(conversation('x <<unsafe:S1>> <<unsafe:S11>> <<unsafe:S1>>'), 'User'))).toBe(
      'unsafe\nS1,S11',
    );
    expect(guardVerdict(guardPrompt(conversation('x <<unsafe:S1>>'), 'User', ['S2']))).toBe('safe');
    expect(guardVerdict(guardPrompt(conversation('x <<unsafe:S1>>', 'fine'), 'Agent'))).toBe('safe');
    expect(guardVerdict(guardPrompt(conversation('fine', 'y <<unsafe:S6>>'), 'Agent'))).toBe('unsafe\nS6');
    expect(guardVerdict(guardPrompt(conversation('<<guard-garbles>>'), 'User'))).not.toMatch(/^(safe|unsafe)/);
    expect(guardVerdict('not a guard prompt')).not.toMatch(/^(safe|unsafe)/);
  });

  it('answers vLLM completions for the guard model and TGI generate under /llama-guard, and records the prompt', async () => {
    const prompt = guardPrompt(conversation('bad <<unsafe:S3>>'), 'User');
    const vllm = await post(`${origin.url}/v1/completions`, {
      model: GUARD_MODEL,
      prompt,
      max_tokens: 32,
      temperature: 0,
    });
    expect(vllm.status).toBe(200);
    const body = (await vllm.json()) as { model: string; choices: Array<{ text: string; finish_reason: string }> };
    expect(body.model).toBe(GUARD_MODEL);
    expect(body.choices[0]).toMatchObject({ text: 'unsafe\nS3', finish_reason: 'stop' });
    const tgi = await post(`${origin.url}/llama-guard/tgi/generate`, {
      inputs: guardPrompt(conversation('hello'), 'User'),
    });
    expect(await tgi.json()).toEqual({ generated_text: 'safe' });
    expect(
      origin
        .stats()
        .recent.map(
          (r) => (r.body as { prompt?: string; inputs?: string }).prompt ?? (r.body as { inputs: string }).inputs,
        ),
    ).toEqual([prompt, guardPrompt(conversation('hello'), 'User')]);
    // Fault modes still apply: stall never answers a non-stream request.
    const stalled = post(
      `${origin.url}/mode/stall/llama-guard/tgi/generate`,
      { inputs: prompt },
      { signal: AbortSignal.timeout(200) },
    );
    await expect(stalled).rejects.toThrow();
  });

  it('<<say-unsafe:S<n>@<k>>> puts the marker in the generated answer at token k', async () => {
    const answer = async (max_tokens: number) => {
      const body = {
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        messages: [{ role: 'user', content: 'go <<say-unsafe:S4@2>>' }],
        max_tokens,
      };
      const res = await post(`${origin.url}/v1/chat/completions`, body);
      return ((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
    };
    expect(await answer(2)).not.toContain('<<unsafe:S4>>');
    expect((await answer(3)).endsWith(' <<unsafe:S4>>')).toBe(true);
  });
});
