import { ApiError, errors } from '../http/errors';

/**
 * A chat field (a pattern of its dotted path) and the client's field it came from
 * (`$1`… from the pattern's groups), with any words of the refusal's message that
 * describe the chat shape, as the client's shape.
 */
type Rename = readonly [chat: RegExp, client: string, words?: ReadonlyArray<readonly [string, string]>];

/**
 * The chat fields a Responses or Messages request becomes on the chat path (their
 * translations, src/protocols/{responses,anthropic}-on-chat/request-adapter.ts), and the
 * client's field each came from: the origin's chat adapter (TGI's, Anthropic's) refuses
 * in chat's terms, and the client is told the field it sent. Fields not listed have
 * one name in both. The translations' own refusals are already in the client's terms,
 * and their paths match none of these (the Messages table has no `messages…` rule: its
 * chat messages do not line up with the client's).
 */
const FIELDS = {
  responses: [
    [
      /^response_format(\..+)?$/,
      'text.format',
      [
        ['{"type":"json_schema","json_schema":{…}}', '{"type":"json_schema","name":…,"schema":{…}}'],
        ['json_schema.schema.properties', 'schema.properties'],
      ],
    ],
    [/^max_tokens$/, 'max_output_tokens'],
    [/^tools\.(\d+)\.function(\..+)?$/, 'tools.$1$2'],
    [/^tool_choice\.function\.name$/, 'tool_choice.name'],
    // A message's field is named by its input item already (responses-on-chat's inputField: chat's message
    // indexes are not the input's); what is left (`messages` itself, the endpoint's system prompt) is `input`.
    [/^messages(\..+)?$/, 'input'],
  ],
  messages: [
    [/^stop$/, 'stop_sequences'],
    [/^user$/, 'metadata.user_id'],
    [/^parallel_tool_calls$/, 'tool_choice.disable_parallel_tool_use'],
    [/^tools\.(\d+)\.function\.parameters(\..+)?$/, 'tools.$1.input_schema$2'],
    [/^tools\.(\d+)\.function(\..+)?$/, 'tools.$1$2'],
  ],
} satisfies Record<string, Rename[]>;

/**
 * Builds what goes to the origin through the chat path (`originExchange`) for a client
 * protocol translated to chat; a refusal it raises names the client's field.
 */
export function inClientTerms<T>(client: keyof typeof FIELDS, build: () => T): T {
  try {
    return build();
  } catch (err) {
    throw renamed(err, FIELDS[client]);
  }
}

function renamed(err: unknown, renames: readonly Rename[]): unknown {
  if (!(err instanceof ApiError) || err.param === null) return err;
  const from = err.param;
  for (const [pattern, to, words = []] of renames) {
    if (!pattern.test(from)) continue;
    return errors.inClientTerms(err, from.replace(pattern, to), words);
  }
  return err;
}
