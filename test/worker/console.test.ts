import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { app } from '../../src/app';
import { expectError } from './helpers/expect-error';
import { ADMIN_TOKEN, admin, call, createKey } from './helpers/router';

describe('the web console (GET /)', () => {
  it('serves its page with a strict Content-Security-Policy: no inline script, no framing, this origin only', async () => {
    const res = await call('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('set-cookie')).toBeNull();
    const html = await res.text();
    expect(html).toContain('<script type="module" src="/console/app.js"></script>');
    // No inline script: every <script> has a src.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
  });

  it('serves the bundle and the stylesheet with the same headers', async () => {
    const js = await call('/console/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await call('/console/app.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    await css.body?.cancel();
  });

  it('answers a console file that does not exist with a JSON 404, not HTML', async () => {
    await expectError(await call('/console/nope.js'), 404, { code: 'route_not_found' });
  });

  it('serves only files under /console/: an encoded dot-dot or NUL in the name is a JSON 404, not another file', async () => {
    // (`/console/%2e%2e` is `/` to every URL parser: the page itself, rightly.)
    for (const path of ['/console/%2e%2e%2findex.html', '/console/..%5capp.js', '/console/app.js%00']) {
      const res = await call(path);
      expectSecurityHeaders(res);
      await expectError(res, 404, { code: 'route_not_found' });
    }
  });

  it("sends the security headers on the console's error answers too", async () => {
    const missing = await call('/console/nope.js');
    expectSecurityHeaders(missing);
    await expectError(missing, 404, { code: 'route_not_found' });
    // No route at all under /console, and a method the page has no route for: the not-found handler answers.
    const deeper = await call('/console/a/b.js');
    expectSecurityHeaders(deeper);
    await expectError(deeper, 404, { code: 'route_not_found' });
    const posted = await call('/', { method: 'POST' });
    expectSecurityHeaders(posted);
    await expectError(posted, 405, { code: 'method_not_allowed' });
    // A Worker deployed without its assets.
    const ctx = createExecutionContext();
    const unavailable = await app.fetch(new Request('http://router.test/'), { ...env, ASSETS: undefined }, ctx);
    await waitOnExecutionContext(ctx);
    expectSecurityHeaders(unavailable);
    await expectError(unavailable, 503, { code: 'console_unavailable' });
    // Only the console's paths: the API's answers are not the console's.
    const health = await call('/healthz');
    expect(health.headers.get('content-security-policy')).toBeNull();
    await health.body?.cancel();
  });
});

function expectSecurityHeaders(res: Response): void {
  expect(res.headers.get('content-security-policy') ?? '').toContain("default-src 'none'");
  expect(res.headers.get('content-security-policy') ?? '').toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
}

describe('GET /admin/v1/me', () => {
  it('says who the admin token and a platform key are', async () => {
    const res = await call('/admin/v1/me', { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'admin', role: 'org_admin', tenant: null });

    await admin('POST', '/tenants', { name: 'me-tenant' });
    const key = await createKey({ kind: 'platform', role: 'member', tenant: 'me-tenant' });
    const mine = await call('/admin/v1/me', { token: key.key });
    expect(await mine.json()).toEqual({ id: key.id, role: 'member', tenant: 'me-tenant' });
  });

  it('tells an endpoint key apart (403 endpoint_key_on_admin_api) and refuses an unknown one (401)', async () => {
    const key = await createKey();
    await expectError(await call('/admin/v1/me', { token: key.key }), 403, { code: 'endpoint_key_on_admin_api' });
    await expectError(await call('/admin/v1/me', { token: 'sk-nope' }), 401, { code: 'invalid_admin_token' });
  });
});
