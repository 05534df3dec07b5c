// Read-only code for the playground's API view: the same request as the UI would send, with the current
// settings, in Python (openai), JavaScript (openai), cURL and TGI's /generate. The key is never in them:
// they read it from the EDGE_ROUTER_API_KEY environment variable.

import { samplingFields, withSystemPrompt, type ChatMessage, type ChatSettings } from './settings';

export const KEY_VARIABLE = 'EDGE_ROUTER_API_KEY';

export interface SnippetInput {
  /** The router's origin, e.g. `https://router.example.com`. */
  baseUrl: string;
  endpoint: string;
  settings: ChatSettings;
  /** The conversation so far, or an example question when it is empty. */
  messages: ChatMessage[];
}

export type SnippetLanguage = 'python' | 'javascript' | 'curl' | 'tgi';

export const SNIPPET_LABELS: Record<SnippetLanguage, string> = {
  python: 'Python',
  javascript: 'JavaScript',
  curl: 'cURL',
  tgi: 'TGI /generate',
};

const EXAMPLE: ChatMessage[] = [{ role: 'user', content: 'Hello! What can you do?' }];

export function snippet(lang: SnippetLanguage, input: SnippetInput): string {
  switch (lang) {
    case 'python':
      return python(input);
    case 'javascript':
      return javascript(input);
    case 'curl':
      return curl(input);
    case 'tgi':
      return tgi(input);
  }
}

function conversation(input: SnippetInput): ChatMessage[] {
  return withSystemPrompt(input.settings, input.messages.length ? input.messages : EXAMPLE);
}

/** JSON, indented by `indent` after the first line. */
function indented(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);
}

function python(input: SnippetInput): string {
  const { top_k, ...standard } = samplingFields(input.settings);
  const args = [`    model=${pyString(input.endpoint)},`, `    messages=${pyValue(conversation(input), '    ')},`];
  for (const [name, value] of Object.entries(standard)) args.push(`    ${name}=${pyValue(value, '    ')},`);
  if (top_k !== undefined)
    args.push(`    extra_body={"top_k": ${pyValue(top_k, '')}},  # a vLLM sampling extra, passed through`);
  args.push('    stream=True,');
  return [
    'import os',
    'from openai import OpenAI',
    '',
    'client = OpenAI(',
    `    base_url=${pyString(`${input.baseUrl}/v1`)},`,
    `    api_key=os.environ[${pyString(KEY_VARIABLE)}],`,
    ')',
    '',
    'stream = client.chat.completions.create(',
    ...args,
    ')',
    'for chunk in stream:',
    '    if chunk.choices:',
    '        print(chunk.choices[0].delta.content or "", end="", flush=True)',
    'print()',
    '',
  ].join('\n');
}

/** Python literals: JSON is valid Python for strings, numbers and lists (true/false/null never occur here). */
function pyValue(value: unknown, indent: string): string {
  return indented(value, indent);
}

function pyString(text: string): string {
  return JSON.stringify(text);
}

function javascript(input: SnippetInput): string {
  const body = {
    model: input.endpoint,
    messages: conversation(input),
    ...samplingFields(input.settings),
    stream: true,
  };
  return [
    "import OpenAI from 'openai';",
    '',
    'const client = new OpenAI({',
    `  baseURL: ${JSON.stringify(`${input.baseUrl}/v1`)},`,
    `  apiKey: process.env.${KEY_VARIABLE},`,
    '});',
    '',
    `const stream = await client.chat.completions.create(${indented(body, '')});`,
    'for await (const chunk of stream) {',
    "  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');",
    '}',
    "process.stdout.write('\\n');",
    '',
  ].join('\n');
}

/** A single-quoted shell word. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function curl(input: SnippetInput): string {
  const body = {
    model: input.endpoint,
    messages: conversation(input),
    ...samplingFields(input.settings),
    stream: true,
  };
  return [
    `curl -sN ${shellQuote(`${input.baseUrl}/v1/chat/completions`)} \\`,
    `  -H "Authorization: Bearer $${KEY_VARIABLE}" \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -d ${shellQuote(JSON.stringify(body, null, 2))}`,
    '',
  ].join('\n');
}

/**
 * TGI's generate API on the same endpoint (the router serves it whatever the origin speaks): a plain prompt
 * instead of messages; `max_new_tokens` for `max_tokens` (left out when blank, so the router fills in the
 * endpoint's default, as for the chat); no presence penalty in TGI; a temperature of 0 becomes greedy
 * decoding (TGI refuses 0).
 */
function tgi(input: SnippetInput): string {
  const s = input.settings;
  const prompt = conversation(input)
    .map((m) => m.content)
    .join('\n\n');
  const parameters: Record<string, unknown> = {};
  if (s.temperature !== undefined && s.temperature > 0) parameters.temperature = s.temperature;
  if (s.temperature === 0) parameters.do_sample = false;
  if (s.max_tokens !== undefined) parameters.max_new_tokens = s.max_tokens;
  if (s.top_p !== undefined && s.top_p < 1) parameters.top_p = s.top_p;
  if (s.top_k !== undefined && s.top_k > 0) parameters.top_k = s.top_k;
  if (s.stop?.length) parameters.stop = s.stop;
  if (s.frequency_penalty !== undefined) parameters.frequency_penalty = s.frequency_penalty;
  const body = { inputs: prompt, parameters };
  return [
    `curl -s ${shellQuote(`${input.baseUrl}/endpoints/${input.endpoint}/generate`)} \\`,
    `  -H "Authorization: Bearer $${KEY_VARIABLE}" \\`,
    "  -H 'Content-Type: application/json' \\",
    `  -d ${shellQuote(JSON.stringify(body, null, 2))}`,
    '',
  ].join('\n');
}
