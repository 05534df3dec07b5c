import { z } from 'zod';

/**
 * TGI's `POST /generate` body (docs/protocols/tgi.md): field types only. The range rules
 * live in validate-generate.ts so their messages can match TGI's own.
 */
export const Grammar = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['json', 'json_object']), value: z.unknown() }),
  z.object({ type: z.literal('regex'), value: z.string() }),
  z.object({
    type: z.literal('json_schema'),
    value: z.object({ name: z.string().nullable().optional(), schema: z.unknown() }),
  }),
]);

const maybe = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

export const GenerateParameters = z.looseObject({
  best_of: maybe(z.number().int().min(0)),
  temperature: maybe(z.number()),
  repetition_penalty: maybe(z.number()),
  frequency_penalty: maybe(z.number()),
  top_k: maybe(z.number().int()),
  top_p: maybe(z.number()),
  typical_p: maybe(z.number()),
  do_sample: maybe(z.boolean()),
  max_new_tokens: maybe(z.number().int().min(0)),
  return_full_text: maybe(z.boolean()),
  stop: maybe(z.array(z.string())),
  truncate: maybe(z.number().int().min(0)),
  watermark: maybe(z.boolean()),
  details: maybe(z.boolean()),
  decoder_input_details: maybe(z.boolean()),
  seed: maybe(z.number().int().min(0)),
  top_n_tokens: maybe(z.number().int().min(0)),
  grammar: maybe(Grammar),
  adapter_id: maybe(z.string()),
});

export const GenerateRequest = z.looseObject({
  /** The endpoint name (router extension; TGI itself has one model per server). */
  model: z.string().optional(),
  inputs: z.string(),
  parameters: maybe(GenerateParameters),
  /** Only on the compat root `POST /` (and `/endpoints/{name}`). */
  stream: maybe(z.boolean()),
});

export type GenerateParameters = z.infer<typeof GenerateParameters>;
export type GenerateRequest = z.infer<typeof GenerateRequest>;

/** How the client called: `/generate`, `/generate_stream`, or the compat root (whose non-stream answer is an array). */
export type GenerateRoute = 'generate' | 'generate_stream' | 'compat';

/** What a generate pair gets: the request (endpoint defaults applied, validated) and the route it came by. */
export interface GenerateInput {
  request: GenerateRequest;
  route: GenerateRoute;
}

export type TgiFinishReason = 'length' | 'eos_token' | 'stop_sequence';

export interface TgiToken {
  id: number;
  text: string;
  logprob: number | null;
  special: boolean;
}

/** The token TGI ends with when generation stops on EOS (vLLM sends no text, and no logprob entry, for it). */
export const EOS_TOKEN: TgiToken = { id: 0, text: '', logprob: null, special: true };

export interface TgiDetails {
  finish_reason: TgiFinishReason;
  generated_tokens: number;
  seed: number | null;
  prefill?: TgiToken[];
  tokens?: TgiToken[];
  input_length?: number;
}

export interface TgiGenerateResponse {
  generated_text: string;
  details?: TgiDetails;
}

/** One `/generate_stream` event; the last one has `generated_text` (and `details` when asked for). */
export interface TgiStreamEvent {
  index: number;
  token: TgiToken;
  generated_text: string | null;
  details: TgiDetails | null;
  top_tokens?: TgiToken[];
}

/** TGI's in-stream and JSON error body. */
export interface TgiError {
  error: string;
  error_type: string;
}

/**
 * Whether TGI would sample for these parameters (docs/protocols/tgi.md, "The sampling rule"): with no
 * `parameters` object at all TGI samples; with one, it samples iff any of these holds.
 */
export function tgiSamples(p: GenerateParameters | null | undefined): boolean {
  if (!p) return true;
  return (
    p.do_sample === true ||
    (p.temperature != null && p.temperature !== 1) ||
    (p.top_k != null && p.top_k !== 0) ||
    (p.top_p != null && p.top_p < 1) ||
    (p.typical_p != null && p.typical_p < 1)
  );
}
