import { BASIC } from '@hyperjump/json-schema/experimental';
import { validate } from '@hyperjump/json-schema/openapi-3-1';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { app } from '../../src/app';
import { renderDocsPage } from '../../src/openapi/docs-page';
import { buildOpenApiDocument } from '../../src/openapi/document';
import type { OpenApiDocument, Operation } from '../../src/openapi/document-types';
import { openApiPath, routeCoverage } from '../../src/openapi/route-coverage';
import { ROUTES } from '../../src/openapi/routes';
import { call } from './helpers/router';

type Json = Record<string, unknown>;

let doc: OpenApiDocument;

beforeAll(async () => {
  const res = await call('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await res.json();
});

/** Every operation of the document, with its method and path. */
function operations(): Array<{ method: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op })),
  );
}

/** Follows a local `$ref` (JSON pointer); undefined when it points at nothing. */
function resolve(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (!node || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function deref(schema: unknown): Json {
  const ref = (schema as Json | undefined)?.$ref;
  return (typeof ref === 'string' ? resolve(ref) : schema) as Json;
}

function allRefs(node: unknown, at = '#', out: Array<{ at: string; ref: string }> = []) {
  if (Array.isArray(node)) node.forEach((v, i) => allRefs(v, `${at}/${i}`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ at, ref: v });
      else allRefs(v, `${at}/${k}`, out);
    }
  }
  return out;
}

const line = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document (the official 3.1 schema, with schema objects in its base dialect)', async () => {
    const result = await validate('https://spec.openapis.org/oas/3.1/schema-base', doc as never, BASIC);
    const errors = result.valid ? [] : (result.errors ?? []);
    expect(errors, JSON.stringify(errors.slice(0, 10), null, 2)).toEqual([]);
    expect(result.valid).toBe(true);

    // The validator does look: a broken copy fails.
    const broken = structuredClone(doc) as unknown as Json & {
      info: Json;
      components: { schemas: Record<string, Json> };
    };
    delete broken.info.version;
    broken.components.schemas.Health = { type: 'obj' };
    const refused = await validate('https://spec.openapis.org/oas/3.1/schema-base', broken as never, BASIC);
    expect(refused.valid).toBe(false);
  });

  it('keeps the rules JSON Schema cannot check: references resolve, operation ids are unique, path parameters match', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'edge-llm-router', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(doc.servers).toEqual([{ url: '/' }]);

    const dangling = allRefs(doc).filter(({ ref }) => resolve(ref) === undefined);
    expect(dangling).toEqual([]);

    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);

    const schemes = Object.keys(doc.components.securitySchemes);
    const tags = doc.tags.map((t) => t.name);
    for (const { method, path, op } of operations()) {
      const where = line(method, path);
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), where).toEqual(inPath);
      expect(
        declared.every((p) => p.required),
        where,
      ).toBe(true);
      for (const requirement of op.security)
        for (const name of Object.keys(requirement)) expect(schemes, where).toContain(name);
      for (const tag of op.tags) expect(tags, where).toContain(tag);
    }
  });

  it('documents exactly the routes the Hono app serves', () => {
    const served = new Set(
      app.routes.filter((r) => r.method !== 'ALL').map((r) => line(r.method, openApiPath(r.path))),
    );
    const documented = new Set(operations().map(({ method, path }) => line(method, path)));
    expect(
      [...served].filter((r) => !documented.has(r)),
      'served but not documented',
    ).toEqual([]);
    expect(
      [...documented].filter((r) => !served.has(r)),
      'documented but not served',
    ).toEqual([]);
    expect(routeCoverage(app.routes)).toEqual({ undocumented: [], unserved: [] });
  });

  it('routeCoverage reports a route added without documentation, and one documented but gone', () => {
    const routes = [
      ...app.routes,
      { method: 'GET', path: '/admin/v1/things/:thing' },
      { method: 'ALL', path: '/mw/*' },
    ];
    expect(routeCoverage(routes)).toEqual({ undocumented: ['GET /admin/v1/things/{thing}'], unserved: [] });
    expect(routeCoverage(app.routes.filter((r) => r.path !== '/healthz'))).toEqual({
      undocumented: [],
      unserved: ['GET /healthz'],
    });
    expect(openApiPath('/keys/:id{key_[A-Za-z0-9_-]+}/usage')).toBe('/keys/{id}/usage');
  });

  it('refuses to build a description with an undeclared path parameter or an unnamed body schema', () => {
    const healthz = ROUTES.find((r) => r.path === '/healthz')!;
    expect(() => buildOpenApiDocument([{ ...healthz, path: '/things/{thing}' }])).toThrow(/\{thing\}/);
    expect(() =>
      buildOpenApiDocument([{ ...healthz, responses: { 200: { description: 'x', json: z.string() } } }]),
    ).toThrow(/not named/);
  });

  it('derives the request schemas from the code: chat requires messages, endpoint create is EndpointCreate', () => {
    const chat = deref(doc.paths['/v1/chat/completions']!.post!.requestBody!.content['application/json']!.schema);
    expect(chat.required).toContain('messages');
    expect(chat.additionalProperties).toEqual({}); // loose: vLLM extras pass through

    const create = doc.paths['/admin/v1/endpoints']!.post!.requestBody!.content['application/json']!.schema;
    expect(create).toEqual({ $ref: '#/components/schemas/EndpointCreate' });
    expect(deref(create).properties).toHaveProperty('served_entities');
    expect(deref(create).required).toEqual(expect.arrayContaining(['name', 'served_entities']));
  });

  it('documents 429 with Retry-After on every inference call, and event streams where the route streams', () => {
    const inference = operations().filter(
      ({ method, op }) => method === 'post' && op.tags.some((t) => t.endsWith('inference')),
    );
    expect(inference.length).toBe(16);
    for (const { method, path, op } of inference) {
      expect(op.responses['429'], line(method, path)).toBeDefined();
      expect(op.responses['429']!.headers, line(method, path)).toHaveProperty('Retry-After');
    }
    for (const path of [
      '/v1/chat/completions',
      '/v1/completions',
      '/v1/responses',
      '/v1/messages',
      '/generate_stream',
      '/endpoints/{name}',
    ]) {
      const ok = doc.paths[path]!.post!.responses['200']!;
      expect(ok.content, path).toHaveProperty(['text/event-stream']);
      expect(ok.content!['text/event-stream']!['x-event-data'], path).toHaveProperty('$ref');
    }
  });

  it('documents each protocol’s error shape: TGI’s { error, error_type } on the generate routes, Anthropic’s on /v1/messages, the admin API’s (OpenAI’s with issues) on /admin and /metrics, OpenAI’s elsewhere', () => {
    const tgiError = doc.components.schemas.TgiError as Json;
    expect(tgiError.required).toEqual(['error', 'error_type']);
    expect((doc.components.schemas.AnthropicError as Json).required).toEqual(['type', 'error']);
    // The admin error is OpenAI's four fields plus an optional `issues`: [{ param, message }].
    const openaiError = deref((doc.components.schemas.OpenAIError as { properties: Json }).properties.error);
    const adminError = deref((doc.components.schemas.AdminError as { properties: Json }).properties.error);
    expect(openaiError.properties).not.toHaveProperty('issues');
    expect(adminError.required).toEqual(openaiError.required);
    expect(Object.keys(adminError.properties as Json)).toEqual([
      ...Object.keys(openaiError.properties as Json),
      'issues',
    ]);
    const issues = (adminError.properties as Record<string, Json>).issues!;
    expect(issues.type).toBe('array');
    expect(issues.items).toEqual({ $ref: '#/components/schemas/AdminErrorIssue' });
    expect((doc.components.schemas.AdminErrorIssue as Json).required).toEqual(['param', 'message']);
    for (const { method, path, op } of operations()) {
      const admin = path.startsWith('/admin/') || path === '/metrics';
      const shape =
        op.tags.includes('TGI inference') || op.tags.includes('TEI inference')
          ? 'TgiError'
          : op.tags.includes('Anthropic inference')
            ? 'AnthropicError'
            : admin
              ? 'AdminError'
              : 'OpenAIError';
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const schema = response.content?.['application/json']?.schema;
        expect(schema, `${line(method, path)} ${status}`).toEqual({ $ref: `#/components/schemas/${shape}` });
      }
    }
    expect(
      operations()
        .filter(({ op }) => op.tags.includes('Anthropic inference'))
        .map(({ path }) => path),
    ).toEqual(['/v1/messages', '/endpoints/{name}/v1/messages']);
    expect(
      operations()
        .filter(({ op }) => op.tags.includes('TGI inference'))
        .map(({ path }) => path),
    ).toEqual(
      expect.arrayContaining([
        '/generate',
        '/generate_stream',
        '/endpoints/{name}/generate',
        '/endpoints/{name}/generate_stream',
        '/endpoints/{name}',
      ]),
    );
  });

  it('names who may call: API keys for inference, the admin token for /admin and /metrics, nobody for the service routes', () => {
    for (const { method, path, op } of operations()) {
      const admin = path.startsWith('/admin/') || path === '/metrics';
      const expected = ['/healthz', '/openapi.json', '/docs', '/', '/console/{file}'].includes(path)
        ? []
        : admin
          ? [{ adminToken: [] }]
          : [{ apiKey: [] }];
      expect(op.security, line(method, path)).toEqual(expected);
    }
  });
});

describe('GET /docs', () => {
  const TAGS =
    /^<\/?(html|head|meta|title|style|body|header|nav|main|section|article|h[1-4]|p|small|ul|li|a|span|code|strong|details|summary|pre|table|thead|tbody|tr|th|td)[\s>]/;

  /** Every `<` opens one of the page's own tags, and every `&` is an entity. */
  function unescaped(html: string): string[] {
    const body = html.replace(/^<!doctype html>/, '');
    const bad: string[] = [];
    for (const m of body.matchAll(/</g))
      if (!TAGS.test(body.slice(m.index, m.index + 12))) bad.push(body.slice(m.index, m.index + 40));
    for (const m of body.matchAll(/&/g))
      if (!/^&(amp|lt|gt|quot|#39);/.test(body.slice(m.index, m.index + 6)))
        bad.push(body.slice(m.index, m.index + 40));
    return bad;
  }

  it('is a self-contained HTML page with every path, and nothing unescaped', async () => {
    const res = await call('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    for (const { method, path, op } of operations()) {
      expect(html, path).toContain(`<code>${path}</code>`);
      expect(html, path).toContain(`id="op-${op.operationId}"`);
      expect(html, path).toContain(`<span class="m m-${method}">`);
    }
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    // Self-contained: nothing for the browser to fetch.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|\ssrc=|@import|url\(/i);
    expect(unescaped(html)).toEqual([]);
  });

  it('escapes whatever the document holds', () => {
    const evil = '<script>alert("x")</script> & \'quotes\'';
    const tampered = structuredClone(doc);
    tampered.info.description = evil;
    tampered.tags[0]!.description = evil;
    const op = tampered.paths['/v1/chat/completions']!.post!;
    op.summary = evil;
    op.description = evil;
    op.operationId = '"><script>x</script>';
    op.responses['200']!.description = evil;
    tampered.components.schemas.ChatRequest = { description: evil, $ref: '#/components/schemas/</pre><script>' };
    tampered.paths['/<img src=x>'] = {
      get: {
        ...op,
        parameters: [{ name: evil, in: 'query', required: false, description: evil, schema: { type: evil } }],
      },
    };
    const html = renderDocsPage(tampered);
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    expect(unescaped(html)).toEqual([]);
  });
});
