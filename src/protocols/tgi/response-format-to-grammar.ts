import { unsupported } from './refuse-unsupported';

/**
 * OpenAI `response_format` as TGI's grammar (the Messages API's `response_format`
 * and the generate API's `parameters.grammar` take the same shape). `undefined`
 * means "no grammar". TGI needs a JSON schema with `properties`, so `json_object`
 * (any JSON) and a schema without properties are refused; TGI-native shapes
 * (`{type:'json'|'regex', value}`, or `json_schema` already carrying `value`) pass.
 */
export function responseFormatToGrammar(format: unknown, param = 'response_format'): unknown {
  if (format == null) return undefined;
  if (typeof format !== 'object' || Array.isArray(format)) {
    throw unsupported(param, 'expected an object such as {"type":"json_schema","json_schema":{"name":…,"schema":{…}}}');
  }
  const f = format as { type?: unknown; json_schema?: unknown; value?: unknown };
  switch (f.type) {
    case 'text':
      return undefined;
    case 'json_object':
      throw unsupported(
        param,
        'TGI cannot constrain output to any JSON object: it needs a JSON schema with \'properties\'; use {"type":"json_schema","json_schema":{…}}',
      );
    case 'json_schema': {
      if (f.value !== undefined && f.json_schema === undefined) return format;
      const spec = (f.json_schema ?? {}) as { name?: unknown; schema?: unknown };
      const schema = spec.schema as { properties?: unknown } | undefined;
      if (
        !schema ||
        typeof schema !== 'object' ||
        typeof schema.properties !== 'object' ||
        schema.properties === null
      ) {
        throw unsupported(param, "TGI's grammar needs a JSON schema with 'properties' (json_schema.schema.properties)");
      }
      const value: Record<string, unknown> = { schema };
      if (typeof spec.name === 'string') value.name = spec.name;
      return { type: 'json_schema', value };
    }
    case 'json':
    case 'regex':
      return format;
    default:
      throw unsupported(
        param,
        `unknown type ${JSON.stringify(f.type)}; TGI takes json_schema (or its own json / regex grammars)`,
      );
  }
}
