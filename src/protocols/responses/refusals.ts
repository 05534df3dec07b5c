import { ApiError, errors } from '../../http/errors';
import type { ResponsesRequest } from './types';

const STATELESS =
  'the router is stateless: it keeps no responses or conversations (store is always false, so prompts and completions are never stored)';

/**
 * What no origin behind the router can honour, refused before any slot is taken:
 * server-side state (`previous_response_id`, `conversation`, item references,
 * background runs, stored prompts) and OpenAI's hosted tools. Shared by the
 * translated and the passthrough paths.
 */
export function refuseUnsupported(req: ResponsesRequest): void {
  if (req.previous_response_id != null) {
    throw errors.unsupported(
      'previous_response_id',
      `'previous_response_id' is not supported: ${STATELESS}. Send the whole conversation in 'input' instead`,
    );
  }
  const extra = req as Record<string, unknown>;
  if (extra.conversation != null) {
    throw errors.unsupported(
      'conversation',
      `'conversation' is not supported: ${STATELESS}. Send the whole conversation in 'input' instead`,
    );
  }
  if (extra.background === true)
    throw errors.unsupported(
      'background',
      `'background' is not supported: ${STATELESS}; call without it and keep the connection open`,
    );
  if (extra.prompt != null)
    throw errors.unsupported(
      'prompt',
      `'prompt' (a stored prompt template) is not supported: ${STATELESS}. Send 'instructions' and 'input'`,
    );
  if (Array.isArray(req.input)) {
    req.input.forEach((item, i) => {
      if (item.type === 'item_reference') {
        throw errors.unsupported(
          `input.${i}`,
          `'input.${i}' is an item_reference, which is not supported: ${STATELESS}. Send the item itself (with the Vercel AI SDK, set providerOptions.openai.store to false)`,
        );
      }
    });
  }
  req.tools?.forEach((tool, i) => {
    if (tool.type !== 'function') throw builtInTool(`tools.${i}`, tool.type);
  });
  const choice = req.tool_choice;
  if (choice && typeof choice === 'object' && choice.type !== 'function') throw builtInTool('tool_choice', choice.type);
}

function builtInTool(param: string, type: string): ApiError {
  return errors.unsupportedTool(
    param,
    `Built-in tool '${type}' is not supported: this endpoint's models run on their own servers, which have none of OpenAI's hosted tools. Declare a tool of type 'function' and run it yourself`,
  );
}
