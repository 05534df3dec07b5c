import { z } from 'zod';
// Explicit extensions: scripts (run by Node) and the console import this file's types (src/api-types.ts).
import { TokenBudget } from '../../api/admin/key-schemas.ts';
import { ROLES } from '../../auth/principal.ts';
import { PageOf } from './page.ts';

/** An API key as the admin API shows it (`publicKey()` in src/auth/key-record.ts): never its hash. */
export const KeyObject = z.object({
  id: z.string().meta({ description: '`key_…`' }),
  prefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
  description: z.string(),
  kind: z
    .enum(['endpoint', 'platform'])
    .meta({ description: '`endpoint`: inference API only; `platform`: admin API, with `role`' }),
  role: z.enum(ROLES).nullable(),
  tenant: z.string(),
  endpoints: z
    .array(z.string())
    .nullable()
    .meta({ description: 'Endpoints it may call; null: every endpoint its tenant may use' }),
  concurrency_limit: z.number().int(),
  token_budget: TokenBudget.nullable().meta({
    description: 'Tokens (prompt + completion) the key may use per period across every endpoint; null: none',
  }),
  status: z.enum(['active', 'revoked']),
  first_key: z.boolean().meta({ description: "An endpoint's First Key: cannot be revoked or edited" }),
  created_by: z.string(),
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime().nullable(),
  revoked_at: z.iso.datetime().nullable(),
});

export const KeyCreated = KeyObject.extend({
  key: z.string().meta({ description: 'The plaintext key (`sk-rt-…`): shown only in this response' }),
});

/** The current window of a key's token budget, read from its gate. */
export const TokenWindow = z.object({
  calls: z.number().int().meta({ description: 'Requests admitted in this window' }),
  used: z.number().int().meta({
    description: 'Tokens charged: settled requests’ real usage, and the reservations of leases that expired unreleased',
  }),
  reserved: z.number().int().meta({
    description:
      'Tokens reserved by requests in flight (estimated prompt + max_tokens for each answer), replaced by their usage when they end',
  }),
  window_start: z.iso.datetime(),
  resets_at: z.iso.datetime(),
});

export const KeyInfo = KeyObject.extend({
  in_flight: z.number().int().meta({ description: 'Requests in flight now (read from the key’s gate)' }),
  token_window: TokenWindow.nullable().meta({
    description: 'The current window of `token_budget`; null when the key has none',
  }),
});

export const KeyList = PageOf(KeyObject);

export const UsageRowObject = z.object({
  endpoint: z.string(),
  hour: z.string().meta({ description: 'Start of the hour, `YYYY-MM-DDTHH:00:00Z`' }),
  requests: z.number().int(),
  completed: z.number().int(),
  aborted: z.number().int(),
  failed: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
});

export const KeyUsage = PageOf(UsageRowObject).extend({
  key_id: z.string(),
  token_budget: TokenBudget.nullable(),
  token_window: TokenWindow.nullable().meta({
    description: 'The current window of `token_budget`; null when the key has none',
  }),
});
