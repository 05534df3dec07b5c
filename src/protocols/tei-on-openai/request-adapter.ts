import { errors } from '../../http/errors';
import type { EmbedRequest } from '../tei/types';

/**
 * A TEI embed request as OpenAI's `POST /v1/embeddings` takes it: `inputs` is
 * `input`, `dimensions` is kept, floats are asked for. `truncate` is not sent: the
 * origin refuses an input longer than the model's context instead of cutting it,
 * so a client that relied on truncation gets an error, never a silently different
 * embedding. `normalize: false` and `prompt_name` have no equivalent and are refused.
 */
export function embedToOpenAI(req: EmbedRequest, originModel: string): Record<string, unknown> {
  if (req.normalize === false) {
    throw errors.unsupportedParameter(
      'normalize',
      'the OpenAI embeddings API returns the model’s normalized embeddings; leave normalize out or set it to true',
    );
  }
  if (req.prompt_name != null)
    throw errors.unsupportedParameter(
      'prompt_name',
      'there are no named prompts on an OpenAI embeddings origin; prepend the prompt to the inputs',
    );
  const body: Record<string, unknown> = { model: originModel, input: req.inputs, encoding_format: 'float' };
  if (req.dimensions != null) body.dimensions = req.dimensions;
  return body;
}
