import { z } from 'zod';
import type {
  TgiDetails,
  TgiGenerateResponse,
  TgiStreamEvent,
  TgiToken as TgiTokenType,
} from '../../protocols/tgi/types';
import type { Assert, SameShape } from '../same-shape';

/** TGI's response shapes (the interfaces in src/protocols/tgi/types.ts). */
export const TgiToken = z.object({
  id: z.number().int(),
  text: z.string(),
  logprob: z.number().nullable(),
  special: z.boolean(),
});

export const TgiGenerationDetails = z.object({
  finish_reason: z.enum(['length', 'eos_token', 'stop_sequence']),
  generated_tokens: z.number().int(),
  seed: z.number().int().nullable(),
  prefill: z.array(TgiToken).optional(),
  tokens: z.array(TgiToken).optional(),
  input_length: z.number().int().optional(),
});

export const GenerateResponse = z.object({
  generated_text: z.string(),
  details: TgiGenerationDetails.optional().meta({ description: 'With `parameters.details: true`' }),
});

/** The compat root answers a non-streaming request with a one-element array. */
export const GenerateCompatResponse = z.array(GenerateResponse);

export const GenerateStreamEvent = z.object({
  index: z.number().int(),
  token: TgiToken,
  generated_text: z.string().nullable().meta({ description: 'Null except on the final event' }),
  details: TgiGenerationDetails.nullable(),
  top_tokens: z.array(TgiToken).optional(),
});

type _TokenMatches = Assert<SameShape<z.infer<typeof TgiToken>, TgiTokenType>>;
type _DetailsMatch = Assert<SameShape<z.infer<typeof TgiGenerationDetails>, TgiDetails>>;
type _ResponseMatches = Assert<SameShape<z.infer<typeof GenerateResponse>, TgiGenerateResponse>>;
type _EventMatches = Assert<SameShape<z.infer<typeof GenerateStreamEvent>, TgiStreamEvent>>;
