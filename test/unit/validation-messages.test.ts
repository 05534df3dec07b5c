// Validation messages name the real problem, for every field kind of every request schema.
// The cases are derived from each schema's JSON Schema (z.toJSONSchema), so a field added
// later is covered by the same rules: a valid body with one field broken must be refused
// with that field named and the right complaint.

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EntityUpdate, Rollback, Share, TenantCreate } from '../../src/api/admin/admin-schemas';
import { KeyCreate, KeyPatch } from '../../src/api/admin/key-schemas';
import { EndpointCreate, EndpointPatch } from '../../src/endpoints/schema';
import { validate } from '../../src/http/validate';
import { ChatRequest, CompletionRequest, EmbeddingRequest } from '../../src/protocols/openai/request-schemas';
import { GenerateRequest } from '../../src/protocols/tgi/types';
import { parseGenerate } from '../../src/protocols/tgi/parse-generate';
import { refusal } from './refusal';

const entity = {
  name: 'e1',
  protocol: 'openai',
  model: 'm',
  origins: [{ url: 'http://o:1', weight: 1, region: 'eu' }],
};
const config = {
  description: 'd',
  served_entities: [entity],
  traffic: [{ served_entity: 'e1', percentage: 100 }],
  defaults: {
    system_prompt: 's',
    temperature: 1,
    max_tokens: 5,
    top_p: 1,
    top_k: 1,
    stop: 'x',
    presence_penalty: 0,
    frequency_penalty: 0,
  },
  rate_limits: [{ key: 'api_key', calls: 5, renewal_period: 'minute' }],
  tags: [{ key: 'k', value: 'v' }],
  timeouts: { first_byte_ms: 500, idle_ms: 500, total_ms: 500 },
};

interface Case {
  name: string;
  schema: z.ZodType;
  valid: Record<string, unknown>;
  /** The refusal's param and message, however the route reports them. */
  refuse: (body: unknown) => { param: string | null; message: string };
}

const viaValidate = (schema: z.ZodType) => (body: unknown) => {
  const err = refusal(() => validate(schema, body));
  expect(err.status).toBe(400);
  return { param: err.param, message: err.message };
};
const viaTgi = (body: unknown) => {
  const err = refusal(() => parseGenerate(body));
  expect(err.status).toBe(422);
  return { param: err.param, message: err.message };
};

const sampling = {
  model: 'demo',
  stream: false,
  stream_options: null,
  temperature: 1,
  top_p: 1,
  top_k: 1,
  max_tokens: 5,
  n: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  seed: 1,
  stop: 'x',
  user: 'u',
};
const schemas: Case[] = [
  {
    name: 'chat',
    schema: ChatRequest,
    valid: { ...sampling, messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 5 },
    refuse: viaValidate(ChatRequest),
  },
  {
    name: 'completions',
    schema: CompletionRequest,
    valid: { ...sampling, prompt: 'hi' },
    refuse: viaValidate(CompletionRequest),
  },
  {
    name: 'embeddings',
    schema: EmbeddingRequest,
    valid: { model: 'demo', input: 'hi', encoding_format: 'float', dimensions: 8, user: 'u' },
    refuse: viaValidate(EmbeddingRequest),
  },
  {
    name: 'tgi generate',
    schema: GenerateRequest,
    valid: {
      model: 'demo',
      inputs: 'hi',
      stream: false,
      parameters: {
        best_of: 1,
        temperature: 1,
        repetition_penalty: 1,
        frequency_penalty: 0,
        top_k: 1,
        top_p: 0.5,
        typical_p: 0.5,
        do_sample: true,
        max_new_tokens: 5,
        return_full_text: false,
        stop: ['x'],
        truncate: 5,
        watermark: false,
        details: true,
        decoder_input_details: false,
        seed: 1,
        top_n_tokens: 1,
        adapter_id: 'a',
      },
    },
    refuse: viaTgi,
  },
  {
    name: 'endpoint create',
    schema: EndpointCreate,
    valid: { name: 'ep', tenant: 'default', ...config },
    refuse: viaValidate(EndpointCreate),
  },
  { name: 'endpoint update', schema: EndpointPatch, valid: config, refuse: viaValidate(EndpointPatch) },
  {
    name: 'key create',
    schema: KeyCreate,
    valid: {
      description: 'd',
      kind: 'endpoint',
      tenant: 'default',
      endpoints: ['ep'],
      concurrency_limit: 4,
      expires_at: '2099-01-01T00:00:00Z',
    },
    refuse: viaValidate(KeyCreate),
  },
  { name: 'key update', schema: KeyPatch, valid: { description: 'd' }, refuse: viaValidate(KeyPatch) },
  { name: 'rollback', schema: Rollback, valid: { version: 1 }, refuse: viaValidate(Rollback) },
  {
    name: 'served entity update',
    schema: EntityUpdate,
    valid: { model: 'm', model_version: '1' },
    refuse: viaValidate(EntityUpdate),
  },
  { name: 'share', schema: Share, valid: { tenant: 't' }, refuse: viaValidate(Share) },
  { name: 'tenant create', schema: TenantCreate, valid: { name: 't' }, refuse: viaValidate(TenantCreate) },
];

type Json = Record<string, unknown>;

/** One broken variant of a valid body: the path to break, the value put there, and what the refusal must say. */
interface Breakage {
  path: (string | number)[];
  value: unknown;
  message: string | RegExp;
}

/** Non-null alternatives of a JSON Schema node (nullable fields are `anyOf [x, null]`). */
function alternatives(node: Json): Json[] {
  const any = (node.anyOf ?? node.oneOf) as Json[] | undefined;
  if (!any) return [node];
  return any.flatMap(alternatives).filter((n) => n.type !== 'null');
}

/** Every field of a schema, recursively (objects, and the first element of arrays of objects present in the body). */
function breakages(node: Json, body: unknown, path: (string | number)[]): Breakage[] {
  const out: Breakage[] = [];
  const props = (node.properties ?? {}) as Record<string, Json>;
  for (const [key, child] of Object.entries(props)) {
    const here = [...path, key];
    const alts = alternatives(child);
    const value = (body as Json | undefined)?.[key];
    if (alts.length > 1) {
      // A union: the message lists every type it takes ("expected string or array, got boolean").
      const types = [...new Set(alts.map((a) => String(a.type ?? 'object')))];
      const mentions = types.map((t) => `(?=.*\\b${t}\\b)`).join('');
      out.push({
        path: here,
        value: true,
        message: new RegExp(`^${mentions}expected [a-z]+( or [a-z]+)*, got boolean$`),
      });
      continue;
    }
    const alt = alts[0]!;
    out.push(...fieldBreakages(alt, here));
    if (alt.type === 'object' && value && typeof value === 'object') out.push(...breakages(alt, value, here));
    const items = alt.items as Json | undefined;
    if (alt.type === 'array' && items && Array.isArray(value) && value.length > 0) {
      const itemAlts = alternatives(items);
      if (itemAlts.length === 1 && itemAlts[0]!.type === 'object')
        out.push(...breakages(itemAlts[0]!, value[0], [...here, 0]));
      else if (itemAlts.length === 1) out.push(...fieldBreakages(itemAlts[0]!, [...here, 0]));
    }
  }
  return out;
}

function fieldBreakages(node: Json, path: (string | number)[]): Breakage[] {
  const out: Breakage[] = [];
  if (Array.isArray(node.enum)) {
    const listed = (node.enum as unknown[]).map((v) => `'${String(v)}'`).join(', ');
    const expected =
      node.enum.length === 1 ? `expected ${listed}, got 'bogus'` : `unknown value 'bogus', expected one of ${listed}`;
    out.push({ path, value: 'bogus', message: expected });
    return out;
  }
  if (node.const !== undefined)
    return [{ path, value: 'bogus', message: `expected '${String(node.const)}', got 'bogus'` }];
  switch (node.type) {
    case 'integer':
      out.push({ path, value: '20', message: 'expected integer, got string' });
      out.push({ path, value: 1.5, message: 'expected integer, got 1.5' });
      break;
    case 'number':
      out.push({ path, value: '0.5', message: 'expected number, got string' });
      break;
    case 'boolean':
      out.push({ path, value: 'yes', message: 'expected boolean, got string' });
      break;
    case 'string':
      out.push({ path, value: 5, message: 'expected string, got number' });
      if (typeof node.pattern === 'string') out.push({ path, value: '!! not this', message: /^must / });
      if (node.format === 'date-time') out.push({ path, value: 'tomorrow', message: /^must be an ISO 8601 date-time/ });
      break;
    case 'array':
      out.push({ path, value: 'x', message: 'expected array, got string' });
      if (typeof node.minItems === 'number' && node.minItems === 1)
        out.push({ path, value: [], message: 'must not be empty' });
      break;
    case 'object':
      out.push({ path, value: 'x', message: 'expected object, got string' });
      break;
  }
  if (node.type === 'integer' || node.type === 'number') {
    // Safe-integer bounds are zod's, not the schema's; only the schema's own are checked.
    // The bound in symbols, or the schema's own words for it ("must be at least 100 ms").
    if (typeof node.minimum === 'number' && node.minimum > -1e15) {
      out.push({
        path,
        value: node.minimum - 1,
        message: new RegExp(`^must be (≥ ${node.minimum}|at least ${node.minimum}\\b.*)$`),
      });
    }
    if (typeof node.exclusiveMinimum === 'number')
      out.push({ path, value: node.exclusiveMinimum, message: `must be > ${node.exclusiveMinimum}` });
    if (typeof node.maximum === 'number' && node.maximum < 1e15) {
      out.push({
        path,
        value: node.maximum + 1,
        message: new RegExp(`^must be (≤ ${node.maximum}|at most ${node.maximum}\\b.*)$`),
      });
    }
  }
  return out;
}

function withValue(body: Json, path: (string | number)[], value: unknown): Json {
  const copy = structuredClone(body);
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

describe('validation messages, for every field kind of every request schema', () => {
  for (const c of schemas) {
    const json = z.toJSONSchema(c.schema, { io: 'input', unrepresentable: 'any' }) as Json;
    const cases = breakages(json, c.valid, []);

    it(`${c.name}: the valid body passes and every field kind is covered`, () => {
      if (c.name === 'tgi generate') expect(() => parseGenerate(c.valid)).not.toThrow();
      else expect(() => validate(c.schema, c.valid)).not.toThrow();
      expect(cases.length).toBeGreaterThan(0);
    });

    it.each(cases.map((b) => [b.path.join('.'), JSON.stringify(b.value), b] as const))(
      `${c.name}: %s = %s`,
      (param, _shown, b) => {
        const refused = c.refuse(withValue(c.valid, b.path, b.value));
        expect(refused.param).toBe(param);
        expect(refused.message).toContain(param);
        // What follows the field's name: "Invalid 'x': <what>" on /v1 and admin, "…: x: <what>" on TGI routes.
        const named = [`'${param}': `, ` ${param}: `].find((p) => refused.message.includes(p)) ?? param;
        const what = refused.message.slice(refused.message.indexOf(named) + named.length);
        if (typeof b.message === 'string') expect(what).toBe(b.message);
        else expect(what).toMatch(b.message);
      },
    );
  }
});

describe('the messages the issue reported, word for word', () => {
  it('names the type and the field, on /v1, TGI and the admin API', () => {
    expect(
      refusal(() => validate(ChatRequest, { messages: [{ role: 'user', content: 'hi' }], max_tokens: '20' })).message,
    ).toBe("Invalid 'max_tokens': expected integer, got string");
    expect(refusal(() => parseGenerate({ inputs: 'hi', parameters: { max_new_tokens: '20' } })).message).toBe(
      'Failed to deserialize the JSON body into the target type: parameters.max_new_tokens: expected integer, got string',
    );
    expect(refusal(() => validate(KeyCreate, { concurrency_limit: '16' })).message).toBe(
      "Invalid 'concurrency_limit': expected integer, got string",
    );
  });

  it('still says a field is missing when it is', () => {
    expect(refusal(() => validate(ChatRequest, {})).message).toBe("Invalid 'messages': required field is missing");
    expect(refusal(() => parseGenerate({})).message).toBe(
      'Failed to deserialize the JSON body into the target type: inputs: missing field',
    );
    expect(refusal(() => validate(EndpointCreate, { name: 'x' })).message).toBe(
      "Invalid 'served_entities': required field is missing",
    );
    // A missing field that must be one of some values: missing, and what it may be.
    expect(
      refusal(() => validate(EndpointCreate, { name: 'x', served_entities: [{ name: 'a', origins: [] }] })).message,
    ).toBe("Invalid 'served_entities.0.protocol': required field is missing (expected one of 'openai', 'tgi')");
    // A required field whose type is a union (string or array).
    expect(refusal(() => validate(CompletionRequest, {})).message).toBe("Invalid 'prompt': required field is missing");
    expect(refusal(() => validate(EmbeddingRequest, { model: 'm' })).message).toBe(
      "Invalid 'input': required field is missing",
    );
  });

  it('says why a union refused a value: the closest branch, or the types it takes', () => {
    const tooMany = refusal(() =>
      validate(ChatRequest, { messages: [{ role: 'user' }], stop: Array.from({ length: 17 }, () => 'x') }),
    );
    expect(tooMany.message).toBe("Invalid 'stop': must have at most 16 item(s)");
    const wrong = refusal(() => validate(CompletionRequest, { prompt: 5 }));
    expect(wrong.message).toBe("Invalid 'prompt': expected string or array, got number");
    const grammar = refusal(() => parseGenerate({ inputs: 'x', parameters: { grammar: { type: 'xml', value: 1 } } }));
    expect(grammar.message).toBe(
      "Failed to deserialize the JSON body into the target type: parameters.grammar.type: unknown value 'xml', expected one of 'json', 'json_object', 'regex', 'json_schema'",
    );
    const role = refusal(() => validate(ChatRequest, { messages: [{ role: 'robot' }] }));
    expect(role.message).toBe(
      "Invalid 'messages.0.role': unknown value 'robot', expected one of 'system', 'developer', 'user', 'assistant', 'tool', 'function'",
    );
  });
});
