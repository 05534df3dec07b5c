// `edge-router endpoint …`: create, list, info, update, stop, start, delete.

import { AdminApiError, type Endpoint } from '../../lib/admin-client.ts';
import { flagOption, stringOption } from '../args.ts';
import type { Command, Context, Group, Invocation } from '../command.ts';
import { UsageError } from '../errors.ts';
import {
  buildCreateBody,
  buildPatch,
  ENDPOINT_OPTIONS,
  patchNeedsCurrent,
  readEndpointFlags,
  readSpecFile,
} from './spec.ts';
import { endpointDetails, endpointTable, sharedEndpointDetails, updateSummary } from './view.ts';

const NAME = [{ name: 'name' }];
const YES = { yes: { type: 'boolean' as const, help: 'confirm: deleting cannot be undone' } };

const name = (inv: Invocation): string => inv.positionals[0]!;

function fileOf(inv: Invocation): Record<string, unknown> {
  const file = stringOption(inv.values, 'from-file');
  return file === undefined ? {} : readSpecFile(file);
}

const create: Command = {
  name: 'create',
  usage: '[name] --model MODEL --origin URL [--origin URL…] [options]',
  summary: 'Create an endpoint',
  description: [
    'Without --from-file the endpoint has one served entity: --model on the --origin(s).',
    'With --from-file, the file is the full POST /admin/v1/endpoints body; [name] and the',
    'flags override it ([name] may be left out when the file has a "name").',
    'Origin weights, traffic splits, timeouts and rate limits are set through --from-file.',
  ].join('\n'),
  positionals: [{ name: 'name', optional: true }],
  options: ENDPOINT_OPTIONS,
  examples: [
    'edge-router endpoint create chat --model meta-llama/Llama-3.1-8B-Instruct --origin http://10.0.0.5:8000 --origin http://10.0.0.6:8000',
    'edge-router endpoint create summarize --model tgi --protocol tgi --origin http://tgi:8080 --max-tokens 256 --tag team=search',
    'edge-router endpoint create --from-file endpoint.json',
  ],
  async run(ctx, inv) {
    const flags = readEndpointFlags(inv.values);
    const body = buildCreateBody(inv.positionals[0], fileOf(inv), flags);
    const created = await ctx.client().createEndpoint(body);
    ctx.out.result(created, () =>
      [
        `Created endpoint '${created.name}'.`,
        '',
        endpointDetails(created),
        '',
        `Its First Key ${created.first_key.id} (scoped to it; cannot be revoked or edited), shown only this once:`,
        '',
        `    ${created.first_key.key}`,
      ].join('\n'),
    );
  },
};

const list: Command = {
  name: 'list',
  usage: '',
  summary: 'List endpoints',
  positionals: [],
  options: {},
  async run(ctx) {
    const answer = await ctx.client().listEndpointsResponse();
    ctx.out.result(answer, () => endpointTable(answer.data));
  },
};

const info: Command = {
  name: 'info',
  usage: '<name>',
  summary: "Show an endpoint's current config",
  positionals: NAME,
  options: {},
  async run(ctx, inv) {
    const endpoint = await ctx.client().readEndpoint(name(inv));
    ctx.out.result(endpoint, () =>
      endpoint.access === 'shared' ? sharedEndpointDetails(endpoint) : endpointDetails(endpoint),
    );
  },
};

const update: Command = {
  name: 'update',
  usage: '<name> [options]',
  summary: 'Change an endpoint (writes a new config version)',
  description: [
    'Only what is given changes. --model, --origin and --protocol change the served entity',
    '(--entity picks it when there are several; the traffic split is kept). A default flag or',
    '--tag changes that one value and keeps the others. --from-file is a PATCH body (any create',
    'field but name); flags override it. To remove a default or a tag, give the whole "defaults"',
    'or "tags" in --from-file.',
  ].join('\n'),
  positionals: NAME,
  options: ENDPOINT_OPTIONS,
  examples: [
    'edge-router endpoint update chat --temperature 0.2 --system-prompt "Answer briefly."',
    'edge-router endpoint update chat --origin http://10.0.0.7:8000',
    'edge-router endpoint update chat --from-file timeouts.json',
  ],
  async run(ctx, inv) {
    const flags = readEndpointFlags(inv.values);
    const file = fileOf(inv);
    // A patch that merges into the current config needs it read first; any other is built (and checked) now.
    const merges = patchNeedsCurrent(flags);
    const patch = merges ? null : buildPatch(file, flags, null);
    const client = ctx.client();
    // The serving version before the change, to say truthfully what the update did (and to merge flags into).
    const read = await client.readEndpoint(name(inv));
    if (read.access === 'shared') {
      throw new AdminApiError(
        403,
        `endpoint '${read.name}' is only shared with your tenant; its own tenant changes it`,
        null,
        'forbidden',
      );
    }
    const current: Endpoint = read;
    const updated = await client.updateEndpoint(name(inv), patch ?? buildPatch(file, flags, current));
    ctx.out.result(updated, () => `${updateSummary(current, updated)}\n\n${endpointDetails(updated)}`);
  },
};

function stateChange(action: 'stop' | 'start'): Command {
  return {
    name: action,
    usage: '<name>',
    summary: action === 'stop' ? 'Stop an endpoint (it answers 503 until started)' : 'Start a stopped endpoint',
    positionals: NAME,
    options: {},
    async run(ctx: Context, inv: Invocation) {
      const client = ctx.client();
      const endpoint = action === 'stop' ? await client.stopEndpoint(name(inv)) : await client.startEndpoint(name(inv));
      ctx.out.result(endpoint, () => `Endpoint '${endpoint.name}' is ${endpoint.state}.`);
    },
  };
}

const remove: Command = {
  name: 'delete',
  usage: '<name> --yes',
  summary: 'Delete an endpoint and its config history',
  positionals: NAME,
  options: YES,
  async run(ctx, inv) {
    if (!flagOption(inv.values, 'yes')) {
      throw new UsageError(`not deleting endpoint '${name(inv)}' without --yes: deleting cannot be undone`);
    }
    const answer = await ctx.client().deleteEndpoint(name(inv));
    ctx.out.result(answer, () => `Deleted endpoint '${answer.name}'.`);
  },
};

export const endpointGroup: Group = {
  name: 'endpoint',
  summary: 'Endpoints: named routes to one or more served models on origins.',
  commands: [create, list, info, update, stateChange('stop'), stateChange('start'), remove],
};
