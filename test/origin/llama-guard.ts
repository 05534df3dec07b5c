// Llama Guard mode: the emulator answers as a Llama Guard 3 classifier.
//
// Chosen by the model `meta-llama/Llama-Guard-3-8B` on vLLM's /v1/completions, or by the
// path prefix `/llama-guard` (any flavour; the only way for TGI, whose model is fixed).
// The prompt must be Llama Guard 3's classification prompt; the verdict concerns the
// LAST turn of the assessed role ('User' or 'Agent'): `unsafe\nS<n>[,S<m>…]` for every
// marker `<<unsafe:S<n>>>` in it whose category the prompt lists, `safe` otherwise.
// The marker `<<guard-garbles>>` makes it answer something that is not a verdict.
// The prompt it was sent is in the request log (`recent[].body`).

import { json, nowSeconds, type Flavor, type Plan, type RouteContext } from './plan.ts';
import { tgiError } from './tgi-common.ts';
import { countWords } from './tokens.ts';
import { badRequest, requestIdSuffix, usage } from './vllm-common.ts';

export const GUARD_MODEL = 'meta-llama/Llama-Guard-3-8B';
const MARKER = /<<unsafe:(S\d{1,2})>>/g;
const GARBLE = '<<guard-garbles>>';

export type GuardPrompt = {
  role: 'User' | 'Agent';
  categories: string[];
  turns: Array<{ role: string; content: string }>;
};

/** Reads a Llama Guard 3 classification prompt; null when the text is not one. */
export function readGuardPrompt(prompt: string): GuardPrompt | null {
  const role = /Check if there is unsafe content in '(User|Agent)' messages in conversations/.exec(prompt)?.[1] as
    GuardPrompt['role'] | undefined;
  const list = /<BEGIN UNSAFE CONTENT CATEGORIES>\n([\s\S]*?)\n<END UNSAFE CONTENT CATEGORIES>/.exec(prompt)?.[1];
  const conversation = /<BEGIN CONVERSATION>\n\n([\s\S]*?)\n\n<END CONVERSATION>/.exec(prompt)?.[1];
  if (!role || list === undefined || conversation === undefined) return null;
  if (!prompt.includes(`Provide your safety assessment for ONLY THE LAST ${role} message in the above conversation:`))
    return null;
  const categories = list
    .split('\n')
    .map((line) => /^(S\d{1,2}): /.exec(line)?.[1])
    .filter((c): c is string => c !== undefined);
  const turns = conversation.split(/\n\n(?=(?:User|Agent): )/).map((t) => {
    const colon = t.indexOf(': ');
    return { role: t.slice(0, colon), content: t.slice(colon + 2) };
  });
  return { role, categories, turns };
}

/** The classifier's answer for a prompt (see the header). */
export function guardVerdict(prompt: string): string {
  const parsed = readGuardPrompt(prompt);
  if (!parsed) return 'I can only classify a conversation in the Llama Guard format.';
  const assessed = [...parsed.turns].reverse().find((t) => t.role === parsed.role)?.content ?? '';
  if (assessed.includes(GARBLE)) return 'The conversation looks fine to me!';
  const found = [...assessed.matchAll(MARKER)].map((m) => m[1]!).filter((c) => parsed.categories.includes(c));
  return found.length ? `unsafe\n${[...new Set(found)].join(',')}` : 'safe';
}

/** Llama Guard mode's routes: vLLM completions, TGI generate (and compat). Non-streaming only. */
export function llamaGuardRoute(ctx: RouteContext, flavor: Flavor): Plan {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  if (ctx.method !== 'POST') return json(405, { detail: 'Method Not Allowed' });
  if (flavor === 'tgi' && (ctx.path === '/generate' || ctx.path === '/')) {
    if (typeof body.inputs !== 'string')
      return tgiError(422, 'Failed to deserialize the JSON body: missing field `inputs`', 'validation');
    if (body.stream === true)
      return tgiError(422, 'Llama Guard mode answers non-streaming requests only', 'validation');
    const text = guardVerdict(body.inputs);
    const answer = { generated_text: text };
    return json(200, ctx.path === '/' ? [answer] : answer, {
      'x-prompt-tokens': String(countWords(body.inputs)),
      'x-generated-tokens': String(countWords(text) + 1),
    });
  }
  if (ctx.path === '/v1/completions') {
    if (typeof body.prompt !== 'string') return badRequest('Llama Guard mode needs the prompt as one string', 'prompt');
    if (body.stream === true) return badRequest('Llama Guard mode answers non-streaming requests only', 'stream');
    const text = guardVerdict(body.prompt);
    const completion = countWords(text) + 1;
    return json(
      200,
      {
        id: `cmpl-${requestIdSuffix(ctx)}`,
        object: 'text_completion',
        created: nowSeconds(),
        model: GUARD_MODEL,
        choices: [{ index: 0, text, logprobs: null, finish_reason: 'stop', stop_reason: null, prompt_logprobs: null }],
        usage: { ...usage(countWords(body.prompt), completion), prompt_tokens_details: null },
      },
      {},
      completion,
    );
  }
  return json(404, { detail: 'Not Found' });
}

/** Is this request for the Llama Guard mode? */
export function isGuardRequest(prefix: boolean, flavor: Flavor, path: string, body: unknown): boolean {
  if (prefix) return true;
  return flavor === 'vllm' && path === '/v1/completions' && (body as { model?: unknown } | null)?.model === GUARD_MODEL;
}
