// From the endpoint flags (and an optional --from-file JSON) to the API's create body or
// PATCH body. The API replaces `served_entities`, `defaults` and `tags` as a whole on
// PATCH, so a flag that changes one part of them is merged into the current value here.

import { readFileSync } from 'node:fs';
import {
  isExternalEntity,
  type Endpoint,
  type EndpointCreateInput,
  type EndpointDefaults,
  type EndpointConfigInput,
  type Protocol,
  type SelfHostedEntityInput,
  type ServedEntityInput,
} from '../../lib/admin-client.ts';
import { integerOption, keyValue, listOption, numberOption, stringOption } from '../args.ts';
import type { OptionSpec, OptionValues } from '../command.ts';
import { UsageError } from '../errors.ts';

type Tag = { key: string; value: string };
type JsonObject = Record<string, unknown>;

export const ENDPOINT_OPTIONS: Record<string, OptionSpec> = {
  model: { type: 'string', value: 'MODEL', help: 'model id the origin serves (vLLM --served-model-name)' },
  origin: { type: 'string', multiple: true, value: 'URL', help: 'origin base URL; several = weighted equally' },
  protocol: { type: 'string', value: 'openai|tgi', help: "the origin's protocol (default openai)" },
  entity: {
    type: 'string',
    value: 'NAME',
    help: 'served entity name (create: default from the model; update: which one to change)',
  },
  description: { type: 'string', value: 'TEXT', help: 'free text' },
  'system-prompt': { type: 'string', value: 'TEXT', help: 'default system prompt' },
  temperature: { type: 'string', value: 'N', help: 'default temperature' },
  'max-tokens': { type: 'string', value: 'N', help: 'default max_tokens' },
  'top-p': { type: 'string', value: 'N', help: 'default top_p' },
  'top-k': { type: 'string', value: 'N', help: 'default top_k (-1 as --top-k=-1)' },
  tag: {
    type: 'string',
    multiple: true,
    value: 'KEY=VALUE',
    help: 'tag; on update, sets that key and keeps the others',
  },
  'from-file': { type: 'string', value: 'FILE', help: 'JSON body to start from (- = stdin); flags override it' },
};

export interface EndpointFlags {
  description?: string;
  model?: string;
  origins: string[];
  protocol?: Protocol;
  entity?: string;
  defaults: EndpointDefaults;
  tags: Tag[];
}

export function readEndpointFlags(values: OptionValues): EndpointFlags {
  const protocol = stringOption(values, 'protocol');
  if (protocol !== undefined && protocol !== 'openai' && protocol !== 'tgi') {
    throw new UsageError(`--protocol must be openai or tgi, got '${protocol}'`);
  }
  const defaults: EndpointDefaults = {};
  const systemPrompt = stringOption(values, 'system-prompt');
  if (systemPrompt !== undefined) defaults.system_prompt = systemPrompt;
  const numeric: Array<[keyof EndpointDefaults, number | undefined]> = [
    ['temperature', numberOption(values, 'temperature')],
    ['max_tokens', integerOption(values, 'max-tokens')],
    ['top_p', numberOption(values, 'top-p')],
    ['top_k', integerOption(values, 'top-k')],
  ];
  for (const [field, value] of numeric) if (value !== undefined) (defaults as Record<string, number>)[field] = value;
  return {
    description: stringOption(values, 'description'),
    model: stringOption(values, 'model'),
    origins: listOption(values, 'origin'),
    protocol,
    entity: stringOption(values, 'entity'),
    defaults,
    tags: listOption(values, 'tag').map((raw) => keyValue('tag', raw)),
  };
}

const touchesEntity = (f: EndpointFlags) => f.model !== undefined || f.origins.length > 0 || f.protocol !== undefined;
const touchesDefaults = (f: EndpointFlags) => Object.keys(f.defaults).length > 0;

/** Whether building the PATCH needs the endpoint as it is now (to merge into). */
export function patchNeedsCurrent(flags: EndpointFlags): boolean {
  return touchesEntity(flags) || touchesDefaults(flags) || flags.tags.length > 0;
}

/** The --from-file JSON object (`-` reads stdin). */
export function readSpecFile(file: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read --from-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      { showUsage: false },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--from-file ${file} is not valid JSON: ${(err as Error).message}`, { showUsage: false });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--from-file ${file} must hold a JSON object`, { showUsage: false });
  }
  return value as JsonObject;
}

/** The POST /admin/v1/endpoints body: the file's, then the name and the flags over it. */
export function buildCreateBody(name: string | undefined, file: JsonObject, flags: EndpointFlags): EndpointCreateInput {
  const body: JsonObject = { ...file };
  const finalName = name ?? (typeof file.name === 'string' ? file.name : undefined);
  if (!finalName) throw new UsageError('missing <name> (or a "name" in --from-file)');
  body.name = finalName;
  if (flags.description !== undefined) body.description = flags.description;

  if (Array.isArray(file.served_entities)) {
    if (touchesEntity(flags))
      body.served_entities = withEntityChanges(file.served_entities, flags, 'the --from-file body');
  } else {
    if (flags.model === undefined || flags.origins.length === 0) {
      throw new UsageError('--model and at least one --origin are required (or "served_entities" in --from-file)');
    }
    const entity: ServedEntityInput = {
      name: flags.entity ?? entityNameFor(flags.model),
      protocol: flags.protocol ?? 'openai',
      model: flags.model,
      origins: flags.origins.map((url) => ({ url })),
    };
    body.served_entities = [entity];
  }
  if (touchesDefaults(flags)) body.defaults = { ...asObject(file.defaults), ...flags.defaults };
  if (flags.tags.length) body.tags = mergeTags(asTags(file.tags), flags.tags);
  return body as unknown as EndpointCreateInput;
}

/**
 * The PATCH body: the file's, then the flags over it. A field the file leaves out but a
 * flag changes starts from `current`.
 */
export function buildPatch(
  file: JsonObject,
  flags: EndpointFlags,
  current: Endpoint | null,
): Partial<EndpointConfigInput> {
  const patch: JsonObject = { ...file };
  if (flags.description !== undefined) patch.description = flags.description;
  const now = (): Endpoint => {
    if (!current) throw new Error('internal: the current endpoint was not read');
    return current;
  };

  if (touchesEntity(flags)) {
    if (Array.isArray(file.served_entities)) {
      patch.served_entities = withEntityChanges(file.served_entities, flags, 'the --from-file patch');
    } else {
      const endpoint = now();
      patch.served_entities = withEntityChanges(endpoint.served_entities, flags, `endpoint '${endpoint.name}'`);
      // Sending served_entities resets the split to an even one unless traffic comes along.
      if (file.traffic === undefined) patch.traffic = endpoint.traffic;
    }
  } else if (flags.entity !== undefined) {
    throw new UsageError('--entity on update picks the served entity that --model, --origin or --protocol change');
  }
  if (touchesDefaults(flags)) {
    const base = file.defaults !== undefined ? asObject(file.defaults) : now().defaults;
    patch.defaults = { ...base, ...flags.defaults };
  }
  if (flags.tags.length) {
    const base = file.tags !== undefined ? asTags(file.tags) : now().tags;
    patch.tags = mergeTags(base, flags.tags);
  }
  if (Object.keys(patch).length === 0)
    throw new UsageError('nothing to change: give at least one option, or --from-file');
  return patch as Partial<EndpointConfigInput>;
}

/** A copy of the entity list with the one the flags address changed. */
function withEntityChanges(list: unknown[], flags: EndpointFlags, where: string): ServedEntityInput[] {
  const entities = list as ServedEntityInput[];
  let index: number;
  if (flags.entity !== undefined) {
    index = entities.findIndex((e) => e?.name === flags.entity);
    if (index < 0) {
      const names = entities.map((e) => e?.name).join(', ');
      throw new UsageError(`${where} has no served entity '${flags.entity}' (it has: ${names || 'none'})`, {
        showUsage: false,
      });
    }
  } else if (entities.length === 1) {
    index = 0;
  } else {
    throw new UsageError(`${where} has ${entities.length} served entities: name the one to change with --entity`, {
      showUsage: false,
    });
  }
  const target = entities[index];
  if (typeof target !== 'object' || target === null) {
    throw new UsageError(`served_entities[${index}] in ${where} is not an object`, { showUsage: false });
  }
  if (isExternalEntity(target)) {
    throw new UsageError(
      `served entity '${target.name}' in ${where} is an external model: change its external_model with --from-file`,
      { showUsage: false },
    );
  }
  const changed: SelfHostedEntityInput = {
    ...target,
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    ...(flags.protocol !== undefined ? { protocol: flags.protocol } : {}),
    ...(flags.origins.length ? { origins: flags.origins.map((url) => ({ url })) } : {}),
  };
  return entities.map((e, i) => (i === index ? changed : e));
}

/** Tags with each flag's key set to its value: replaced in place if present, else appended. */
export function mergeTags(base: Tag[], changes: Tag[]): Tag[] {
  const result = base.map((t) => ({ ...t }));
  for (const change of changes) {
    const found = result.find((t) => t.key === change.key);
    if (found) found.value = change.value;
    else result.push({ ...change });
  }
  return result;
}

/** A served-entity name from a model id: `meta-llama/Llama-3.1-8B-Instruct` → `Llama-3.1-8B-Instruct`. */
export function entityNameFor(model: string): string {
  const base = model.split('/').filter(Boolean).pop() ?? '';
  const name = base
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return name || 'default';
}

function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function asTags(value: unknown): Tag[] {
  return Array.isArray(value) ? (value as Tag[]) : [];
}
