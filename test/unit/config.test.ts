import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_OUTLIER_CONFIG, DEFAULT_TENANT_QUOTAS, routerConfig } from '../../src/config';

const vars = (v: Record<string, string>) => v as unknown as Env;

describe('the router config (src/config.ts): every var read in one place', () => {
  it('reads the vars as the operator set them', () => {
    const c = routerConfig(
      vars({
        MAX_BODY_BYTES: '1024',
        DEFAULT_CONCURRENCY_LIMIT: '3',
        OUTLIER_CONSECUTIVE_FAILURES: '7',
        OUTLIER_BASE_EJECTION_MS: '2000',
        OUTLIER_MAX_EJECTION_MS: '60000',
        OUTLIER_MAX_EJECTION_PERCENT: '25',
        OUTLIER_FIRST_BYTE_MS: '30000',
        METRICS_ENABLED: 'false',
        METRICS_FLUSH_MS: '250',
        TENANT_MAX_ENDPOINTS: '4',
        TENANT_MAX_SERVED_ENTITIES: '5',
        TENANT_MAX_ORIGINS: '6',
        TENANT_MAX_KEYS: '7',
        EXTERNAL_SECRETS: ' OPENAI_API_KEY , ACME_KEY:acme ,, ',
        TOKEN_BUDGET_DEFAULT_MAX_TOKENS: '512',
        REQUEST_LOG: 'all',
        LEASE_REUSE_MS: '0',
      }),
    );
    expect(c).toEqual({
      maxBodyBytes: 1024,
      defaultConcurrencyLimit: 3,
      tokenBudgetDefaultMaxTokens: 512,
      outlier: {
        consecutiveFailures: 7,
        baseEjectionMs: 2000,
        maxEjectionMs: 60000,
        maxEjectionPercent: 25,
        firstByteMs: 30000,
      },
      metrics: { enabled: false, flushMs: 250 },
      tenantQuotas: { endpoints: 4, servedEntities: 5, origins: 6, keys: 7 },
      leaseReuseMs: 0,
      requestLog: 'all',
      externalSecrets: [
        { name: 'OPENAI_API_KEY', tenant: null },
        { name: 'ACME_KEY', tenant: 'acme' },
      ],
    });
  });

  it('falls back to the defaults for unset, empty and out-of-range values', () => {
    const c = routerConfig(
      vars({
        MAX_BODY_BYTES: '-1',
        DEFAULT_CONCURRENCY_LIMIT: '2.5',
        OUTLIER_CONSECUTIVE_FAILURES: '1',
        OUTLIER_MAX_EJECTION_PERCENT: '101',
        OUTLIER_FIRST_BYTE_MS: '999', // under the 1 s floor
        TENANT_MAX_KEYS: '0',
        EXTERNAL_SECRETS: '',
        TOKEN_BUDGET_DEFAULT_MAX_TOKENS: '0',
        REQUEST_LOG: 'everything',
        LEASE_REUSE_MS: '5000',
      }),
    );
    expect(c.maxBodyBytes).toBe(8 * 1024 * 1024);
    expect(c.defaultConcurrencyLimit).toBe(8);
    expect(c.tokenBudgetDefaultMaxTokens).toBe(1024);
    expect(c.outlier).toEqual(DEFAULT_OUTLIER_CONFIG);
    expect(c.metrics).toEqual({ enabled: true, flushMs: 5_000 });
    expect(c.tenantQuotas).toEqual(DEFAULT_TENANT_QUOTAS);
    expect(c.externalSecrets).toEqual([]);
    expect(c.requestLog).toBe('failures');
    expect(c.leaseReuseMs).toBe(250);
  });

  it('grants nothing for an EXTERNAL_SECRETS entry with an empty tenant or name (not every tenant), and logs it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const c = routerConfig(vars({ EXTERNAL_SECRETS: 'OPEN_KEY:, :acme, TWO:a:b, ANTHROPIC_KEY : acme ,OK_KEY' }));
      expect(c.externalSecrets).toEqual([
        { name: 'ANTHROPIC_KEY', tenant: 'acme' },
        { name: 'OK_KEY', tenant: null },
      ]);
      const lines = warn.mock.calls.map(([line]) => JSON.parse(String(line)) as { msg: string; entry: string });
      expect(lines.map((l) => l.entry)).toEqual(['OPEN_KEY:', ':acme', 'TWO:a:b']);
      expect(lines.every((l) => l.msg === 'config: EXTERNAL_SECRETS entry refused')).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });

  it('never lets the longest ejection be shorter than the first', () => {
    expect(
      routerConfig(vars({ OUTLIER_BASE_EJECTION_MS: '20000', OUTLIER_MAX_EJECTION_MS: '5000' })).outlier.maxEjectionMs,
    ).toBe(20_000);
  });
});
