import { z } from 'zod';

/**
 * Text Embeddings Inference's embed API (`POST /embed`), as the router serves it at
 * `/endpoints/{name}/embed`: `{ inputs, normalize?, truncate?, truncation_direction?,
 * prompt_name?, dimensions? }` answered with one array of floats per input.
 */
const tokenIds = z.array(z.number().int().min(0));

export const EmbedRequest = z.looseObject({
  inputs: z.union([z.string(), z.array(z.string()).min(1), tokenIds.min(1), z.array(tokenIds).min(1)], {
    error: (issue) =>
      issue.input === undefined ? 'required field is missing' : 'must be a string, an array of strings, or token ids',
  }),
  normalize: z.boolean().optional(),
  truncate: z.boolean().nullable().optional(),
  truncation_direction: z.enum(['Left', 'Right', 'left', 'right']).optional(),
  prompt_name: z.string().nullable().optional(),
  dimensions: z.number().int().min(1).nullable().optional(),
});
export type EmbedRequest = z.infer<typeof EmbedRequest>;

/** The answer: one embedding (array of floats) per input, in input order. */
export type EmbedResponse = number[][];
