// `edge-router key …`: add, list, info, edit, revoke, usage.

import { flagOption, integerOption, listOption, stringOption } from '../args.ts';
import type { Command, Group, Invocation } from '../command.ts';
import { UsageError } from '../errors.ts';
import { createdKey, keyDetails, keySummary, keyTable, usageTable } from './view.ts';

const ID = [{ name: 'id' }];
const TOKEN_PERIODS = ['minute', 'hour', 'day'] as const;
type TokenPeriod = (typeof TOKEN_PERIODS)[number];
const id = (inv: Invocation): string => inv.positionals[0]!;

const add: Command = {
  name: 'add',
  usage:
    '[--description TEXT] [--endpoint NAME…] [--concurrency-limit N] [--token-budget N [--token-period minute|hour|day]]',
  summary: 'Create an API key (its plaintext is printed once)',
  description: 'Without --endpoint the key may call every endpoint. The plaintext key is in this answer only.',
  positionals: [],
  options: {
    description: { type: 'string', value: 'TEXT', help: 'who or what the key is for' },
    endpoint: { type: 'string', multiple: true, value: 'NAME', help: 'an endpoint the key may call (or a,b,c)' },
    'concurrency-limit': { type: 'string', value: 'N', help: "requests in flight at once (default: the router's)" },
    'token-budget': {
      type: 'string',
      value: 'N',
      help: 'tokens (prompt + completion) the key may use per --token-period, across all endpoints',
    },
    'token-period': {
      type: 'string',
      value: 'PERIOD',
      help: "the token budget's window: minute, hour or day (default: day)",
    },
  },
  examples: [
    'edge-router key add --description "search team" --endpoint chat --endpoint summarize --concurrency-limit 16',
    'KEY=$(edge-router key add --json --description ci | jq -r .key)',
    'edge-router key add --description batch --token-budget 1000000 --token-period day',
  ],
  async run(ctx, inv) {
    const endpoints = listOption(inv.values, 'endpoint')
      .flatMap((e) => e.split(','))
      .map((e) => e.trim())
      .filter(Boolean);
    const limit = integerOption(inv.values, 'concurrency-limit');
    const description = stringOption(inv.values, 'description');
    const tokens = integerOption(inv.values, 'token-budget');
    const period = stringOption(inv.values, 'token-period');
    if (period !== undefined && tokens === undefined) throw new UsageError('--token-period needs --token-budget');
    if (period !== undefined && !TOKEN_PERIODS.includes(period as TokenPeriod)) {
      throw new UsageError(`--token-period expects minute, hour or day, got '${period}'`);
    }
    const created = await ctx.client().createKey({
      ...(description !== undefined ? { description } : {}),
      ...(endpoints.length ? { endpoints } : {}),
      ...(limit !== undefined ? { concurrency_limit: limit } : {}),
      ...(tokens !== undefined ? { token_budget: { tokens, renewal_period: (period ?? 'day') as TokenPeriod } } : {}),
    });
    ctx.out.result(created, () => createdKey(created));
  },
};

const list: Command = {
  name: 'list',
  usage: '',
  summary: 'List API keys (never their plaintext)',
  positionals: [],
  options: {},
  async run(ctx) {
    const answer = await ctx.client().listKeysResponse();
    ctx.out.result(answer, () => keyTable(answer.data));
  },
};

const info: Command = {
  name: 'info',
  usage: '<id>',
  summary: 'Show a key, with its requests in flight now',
  positionals: ID,
  options: {},
  async run(ctx, inv) {
    const key = await ctx.client().getKey(id(inv));
    ctx.out.result(key, () => keyDetails(key));
  },
};

const edit: Command = {
  name: 'edit',
  usage: '<id> --description TEXT',
  summary: "Change a key's description",
  positionals: ID,
  options: { description: { type: 'string', value: 'TEXT', help: 'the new description ("" clears it)' } },
  async run(ctx, inv) {
    const description = stringOption(inv.values, 'description');
    if (description === undefined) throw new UsageError('nothing to change: give --description');
    const key = await ctx.client().updateKey(id(inv), { description });
    ctx.out.result(key, () => `Updated API key ${key.id}.\n\n${keySummary(key)}`);
  },
};

const revoke: Command = {
  name: 'revoke',
  usage: '<id> --yes',
  summary: 'Revoke a key (irreversible; refused from its next request)',
  positionals: ID,
  options: { yes: { type: 'boolean', help: 'confirm: revoking cannot be undone' } },
  async run(ctx, inv) {
    if (!flagOption(inv.values, 'yes')) {
      throw new UsageError(`not revoking API key '${id(inv)}' without --yes: revoking cannot be undone`);
    }
    const key = await ctx.client().revokeKey(id(inv));
    ctx.out.result(key, () => `Revoked API key ${key.id}.\n\n${keySummary(key)}`);
  },
};

const usage: Command = {
  name: 'usage',
  usage: '<id>',
  summary: "A key's requests, outcomes and tokens per endpoint and hour",
  positionals: ID,
  options: {},
  async run(ctx, inv) {
    const answer = await ctx.client().keyUsageResponse(id(inv));
    ctx.out.result(answer, () => usageTable(answer));
  },
};

export const keyGroup: Group = {
  name: 'key',
  summary: 'API keys: who may call which endpoints, and how many requests at once.',
  commands: [add, list, info, edit, revoke, usage],
};
