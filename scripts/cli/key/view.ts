// Human views of API keys. The plaintext key appears only in createdKey(), once.

import type { ApiKeyInfo, CreatedKey, KeyDetails, KeyUsageResponse } from '../../lib/admin-client.ts';
import { formatTime, orDash, truncate } from '../format.ts';
import { renderFields, renderTable } from '../table.ts';

const scope = (endpoints: string[] | null): string => (endpoints === null ? 'all' : endpoints.join(', ') || 'none');

export function keyTable(keys: ApiKeyInfo[]): string {
  if (keys.length === 0) return 'No API keys.';
  return renderTable(
    [
      { header: 'id', value: (k) => k.id },
      { header: 'prefix', value: (k) => `${k.prefix}…` },
      { header: 'status', value: (k) => k.status },
      { header: 'limit', value: (k) => String(k.concurrency_limit), align: 'right' },
      { header: 'endpoints', value: (k) => truncate(scope(k.endpoints), 40) },
      { header: 'created', value: (k) => formatTime(k.created_at) },
      { header: 'description', value: (k) => truncate(k.description, 40) },
    ],
    keys,
  );
}

function keyFields(k: ApiKeyInfo): Array<[string, string | string[]]> {
  return [
    ['id', k.id],
    ['prefix', `${k.prefix}…`],
    ['status', k.status],
    ['description', orDash(k.description)],
    ['endpoints', k.endpoints === null ? 'all' : k.endpoints.length ? k.endpoints : 'none'],
    ['concurrency limit', String(k.concurrency_limit)],
    ['token budget', k.token_budget ? `${k.token_budget.tokens} per ${k.token_budget.renewal_period}` : 'none'],
    ['created', formatTime(k.created_at)],
    ...(k.revoked_at ? [['revoked', formatTime(k.revoked_at)] as [string, string]] : []),
  ];
}

export function keyDetails(k: KeyDetails): string {
  const fields = keyFields(k);
  fields.splice(6, 0, ['in flight', `${k.in_flight} of ${k.concurrency_limit}`]);
  if (k.token_window) {
    const w = k.token_window;
    fields.splice(8, 0, [
      'tokens this window',
      `${w.used} used, ${w.reserved} reserved (resets ${formatTime(w.resets_at)})`,
    ]);
  }
  return renderFields(fields);
}

export function keySummary(k: ApiKeyInfo): string {
  return renderFields(keyFields(k));
}

/** The create answer: the key, set apart, and the warning that it is never shown again. */
export function createdKey(k: CreatedKey): string {
  return [
    `Created API key ${k.id}.`,
    '',
    keySummary(k),
    '',
    'API key (shown only this once):',
    '',
    `    ${k.key}`,
    '',
    'Store it now: the router keeps only its hash, and it cannot be shown again.',
    `Lost keys cannot be recovered; revoke with 'edge-router key revoke ${k.id} --yes' and add a new one.`,
  ].join('\n');
}

export function usageTable(usage: KeyUsageResponse): string {
  if (usage.data.length === 0) return `No usage recorded for ${usage.key_id}.`;
  const n = (v: number) => String(v);
  return renderTable(
    [
      { header: 'hour', value: (r) => formatTime(r.hour) },
      { header: 'endpoint', value: (r) => r.endpoint },
      { header: 'requests', value: (r) => n(r.requests), align: 'right' },
      { header: 'completed', value: (r) => n(r.completed), align: 'right' },
      { header: 'aborted', value: (r) => n(r.aborted), align: 'right' },
      { header: 'failed', value: (r) => n(r.failed), align: 'right' },
      { header: 'prompt tokens', value: (r) => n(r.prompt_tokens), align: 'right' },
      { header: 'completion tokens', value: (r) => n(r.completion_tokens), align: 'right' },
    ],
    usage.data,
  );
}
