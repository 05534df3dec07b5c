/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { adminErrors } from '../../src/http/errors/admin';
import { admissionErrors } from '../../src/http/errors/admission';
import { authErrors } from '../../src/http/errors/auth';
import { guardrailErrors } from '../../src/http/errors/guardrails';
import { ApiError, errors } from '../../src/http/errors';
import { originErrors } from '../../src/http/errors/origins';
import { providerErrors } from '../../src/http/errors/providers';
import { requestErrors } from '../../src/http/errors/requests';
import { routeErrors } from '../../src/http/errors/routes';

/** Every source file of the router, as text (read by Vite when the test is built: workerd has no file system). */
const sources = import.meta.glob<string>('../../src/**/*.ts', { query: '?raw', import: 'default', eager: true });
const CATALOGUE = '../../src/http/errors/';
const families = {
  adminErrors,
  admissionErrors,
  authErrors,
  guardrailErrors,
  originErrors,
  providerErrors,
  requestErrors,
  routeErrors,
};

describe('the error catalogue (src/http/errors/)', () => {
  it('is the only place that builds an ApiError', () => {
    const paths = Object.keys(sources);
    expect(paths.length).toBeGreaterThan(100); // the glob read the tree
    const building = paths.filter((p) => sources[p]!.includes('new ApiError('));
    expect(building.length).toBeGreaterThan(0); // the catalogue itself does
    expect(building.filter((p) => !p.startsWith(CATALOGUE))).toEqual([]);
  });

  it('gives each constructor one name: no family overrides another in `errors`', () => {
    const names = Object.values(families).flatMap((family) => Object.keys(family));
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(Object.keys(errors).sort()).toEqual([...names].sort());
  });

  it('builds what it names: statuses, codes and headers', () => {
    const timeout = errors.originTimeout('chat-a', 30000);
    expect(timeout).toBeInstanceOf(ApiError);
    expect([timeout.status, timeout.code, timeout.type, timeout.message]).toEqual([
      504,
      'origin_timeout',
      'server_error',
      "The origin of served entity 'chat-a' did not answer within 30000 ms",
    ]);
    const tgi = errors.unsupportedParameter('n', 'send n requests instead', 'TGI origin');
    expect([tgi.status, tgi.param, tgi.code, tgi.message]).toEqual([
      400,
      'n',
      'unsupported_parameter',
      "'n' is not supported by this endpoint's TGI origin: send n requests instead",
    ]);
    expect(errors.unsupportedParameter('normalize', 'leave it out').message).toBe(
      "'normalize' is not supported by this endpoint's origin: leave it out",
    );
    const budget = errors.tokenBudget(
      { limit: '1000 tokens per minute', reserved: 1500, budget: 1000, remaining: 1000, retryAfterSeconds: 60 },
      { 'x-ratelimit-limit-tokens': '1000' },
    );
    expect(budget.message).toContain('more than the whole budget');
    expect(budget.headers).toEqual({ 'retry-after': '60', 'x-ratelimit-limit-tokens': '1000' });
    expect(errors.originUnreachable('e', undefined).message).toBe("No origin of served entity 'e' could be reached");
    expect(errors.originUnreachable('e', 'refused').message).toBe(
      "No origin of served entity 'e' could be reached (refused)",
    );
  });
});
