import { errors } from '../../http/errors';

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
    throw errors.unsupportedParameter(
      param,
      'expected an object such as {"type":"json_schema","json_schema":{"name":…,"schema":{…}}}',
      'TGI origin',
    );
  }
  const f = format as { type?: unknown; json_schema?: unknown; value?: unknown };
  switch (f.type) {
    case 'text':
      return undefined;
    case 'json_object':
      throw errors.unsupportedParameter(
        param,
        'TGI cannot constrain output to any JSON object: it needs a JSON schema with \'properties\'; use {"type":"json_schema","json_schema":{…}}',
        'TGI origin',
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
        throw errors.unsupportedParameter(
          param,
          "TGI's grammar needs a JSON schema with 'properties' (json_schema.schema.properties)",
          'TGI origin',
        );
      }
      const value: Record<string, unknown> = { schema };
      if (typeof spec.name === 'string') value.name = spec.name;
      return { type: 'json_schema', value };
    }
    case 'json':
    case 'regex':
      return format;
    default:
      throw errors.unsupportedParameter(
        param,
        `unknown type ${JSON.stringify(f.type)}; TGI takes json_schema (or its own json / regex grammars)`,
        'TGI origin',
      );
  }
}
