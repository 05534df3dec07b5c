import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, admin, call, createEndpoint, originUrl } from './helpers/router';
import { expectAdminError } from './helpers/expect-error';

/** Bytes as the body of an admin write, labelled JSON. */
function rawAdmin(method: string, path: string, bytes: Uint8Array): Promise<Response> {
  return call(`/admin/v1${path}`, {
    method,
    token: ADMIN_TOKEN,
    headers: { 'content-type': 'application/json' },
    body: bytes,
  });
}

describe('admin writes take Unicode text only: what is stored is what was sent', () => {
  it('refuses a body that is not UTF-8 (400 invalid_json), instead of storing U+FFFD in its place', async () => {
    // `{"description":"café"}` in Latin-1: 0xe9 is not UTF-8.
    const latin1 = Uint8Array.from([...'{"description":"caf'].map((ch) => ch.charCodeAt(0)).concat([0xe9, 0x22, 0x7d]));
    const body = await expectAdminError(await rawAdmin('POST', '/keys', latin1), 400, { code: 'invalid_json' });
    expect(body.error.message).toBe('Request body is not valid UTF-8: send the JSON encoded as UTF-8');
    // Streamed (no Content-Length) the same.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(latin1.slice(0, 10));
        controller.enqueue(latin1.slice(10));
        controller.close();
      },
    });
    const streamed = await call('/admin/v1/model-requests', {
      method: 'POST',
      token: ADMIN_TOKEN,
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectAdminError(streamed, 400, { code: 'invalid_json' });
  });

  it('refuses a string holding an unpaired surrogate escape, naming every field that holds one', async () => {
    const keys = await expectAdminError(await admin('POST', '/keys', { description: 'a\ud800b' }), 400, {
      code: 'invalid_body',
      param: 'description',
    });
    expect(keys.error.message).toBe(
      "Invalid 'description': holds an unpaired UTF-16 surrogate (\\ud800), which is not text; send valid Unicode",
    );
    const requests = await expectAdminError(
      await admin('POST', '/model-requests', { model: 'm\udfff', use_case: '\ud83d' }),
      400,
      { code: 'invalid_body', param: 'model' },
    );
    expect(requests.error.issues!.map((i) => i.param)).toEqual(['model', 'use_case']);
    await expectAdminError(
      await admin('POST', '/endpoints', {
        name: 'bad-text',
        served_entities: [{ name: 'a', protocol: 'openai', model: 'm\ud800', origins: [{ url: originUrl() }] }],
      }),
      400,
      { code: 'invalid_body', param: 'served_entities.0.model' },
    );
    await createEndpoint('text-kept');
    await expectAdminError(await admin('PATCH', '/endpoints/text-kept', { description: '\udc00' }), 400, {
      param: 'description',
    });
    // A pair is text: an emoji is stored and read back as sent.
    const ok = await admin('PATCH', '/endpoints/text-kept', { description: 'launch 🚀 day' });
    expect(ok.status).toBe(200);
    const read = (await (await admin('GET', '/endpoints/text-kept')).json()) as { description: string };
    expect(read.description).toBe('launch 🚀 day');
  });
});

describe("every admin 400 invalid_body lists its problems in error.issues, not only the schema's", () => {
  it('a field the schema accepts but the request cannot use is an issue too', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/keys', { expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
      [
        'POST',
        '/keys',
        { kind: 'platform', role: 'member', token_budget: { tokens: 5, renewal_period: 'day' } },
        'token_budget',
      ],
    ];
    for (const [method, path, json, param] of cases) {
      const body = await expectAdminError(await admin(method, path, json), 400, { code: 'invalid_body', param });
      expect(body.error.issues).toEqual([{ param, message: body.error.message }]);
    }
    await createEndpoint('masked-origin');
    const masked = await expectAdminError(
      await admin('PATCH', '/endpoints/masked-origin', {
        served_entities: [
          { name: 'masked-origin-a', protocol: 'openai', model: 'm', origins: [{ url: 'http://***@10.9.9.9:8000' }] },
        ],
      }),
      400,
      { code: 'invalid_body', param: 'served_entities' },
    );
    expect(masked.error.issues).toEqual([{ param: 'served_entities', message: masked.error.message }]);
  });
});

describe('a listing takes only its own cursors', () => {
  it("answers another listing's next_cursor with 400 invalid_cursor, not a page after some other position", async () => {
    await createEndpoint('cursor-e1');
    await createEndpoint('cursor-e2');
    expect((await admin('POST', '/tenants', { name: 'cursor-t1' })).status).toBe(201);
    const cursorOf = async (path: string) => {
      const page = (await (await admin('GET', path)).json()) as { next_cursor: string | null };
      expect(page.next_cursor).not.toBeNull();
      return encodeURIComponent(page.next_cursor!);
    };
    const endpoints = await cursorOf('/endpoints?limit=1');
    const tenants = await cursorOf('/tenants?limit=1');
    const keys = await cursorOf('/keys?limit=1');
    for (const [path, cursor] of [
      ['/tenants', endpoints],
      ['/endpoints', tenants],
      ['/keys', tenants],
      ['/model-requests', keys],
      ['/model-requests', 'garbage'],
    ] as const) {
      await expectAdminError(await admin('GET', `${path}?cursor=${cursor}`), 400, {
        code: 'invalid_cursor',
        param: 'cursor',
        message: "Invalid 'cursor': pass the 'next_cursor' of the previous page unchanged",
      });
    }
    // Each its own: the next page.
    expect((await admin('GET', `/endpoints?limit=1&cursor=${endpoints}`)).status).toBe(200);
    expect((await admin('GET', `/tenants?limit=1&cursor=${tenants}`)).status).toBe(200);
  });
});

describe('a problem in a query parameter is worded as one: 400 invalid_query, naming the parameter', () => {
  it('names the query parameter, not a field of the body, on every listing and on the metrics query', async () => {
    await createEndpoint('query-words');
    const cases: Array<[string, string | null, string]> = [
      ['/endpoints?bogus=1', null, "Unknown query parameter(s) 'bogus': this route takes 'limit', 'cursor'"],
      ['/keys?limit=0', 'limit', "Invalid query parameter 'limit': must be ≥ 1"],
      ['/tenants?limit=201', 'limit', "Invalid query parameter 'limit': must be ≤ 200"],
      ['/audit?limit=501', 'limit', "Invalid query parameter 'limit': must be ≤ 500"],
      [
        '/model-requests?status=nope',
        'status',
        "Invalid query parameter 'status': unknown value 'nope', expected one of 'open', 'approved', 'declined', 'deployed'",
      ],
      [
        '/endpoints/query-words/metrics?limit=5',
        null,
        "Unknown query parameter(s) 'limit': this route takes 'since', 'until', 'step'",
      ],
      [
        '/endpoints/query-words/metrics?step=fast',
        'step',
        "Invalid query parameter 'step': give seconds (300) or a duration with a unit (60s, 5m, 1h, 1d)",
      ],
    ];
    for (const [path, param, message] of cases) {
      const body = await expectAdminError(await admin('GET', path), 400, { code: 'invalid_query', param, message });
      expect(body.error.issues, path).toEqual([{ param, message }]);
    }
  });
});

describe("an admin 404 quotes the id sent cut to 100 characters, as the inference API's unknown model does", () => {
  it('cuts a 5,000-character id in the path of an endpoint, key, tenant, model request and served entity', async () => {
    await createEndpoint('long-id-404');
    const long = 'x'.repeat(5_000);
    const cut = `${'x'.repeat(100)}…`;
    const cases: Array<[string, string, unknown, string, string]> = [
      ['GET', `/endpoints/${long}`, undefined, 'endpoint_not_found', `Endpoint '${cut}' does not exist`],
      ['GET', `/keys/${long}`, undefined, 'key_not_found', `API key '${cut}' does not exist`],
      ['GET', `/tenants/${long}`, undefined, 'tenant_not_found', `Tenant '${cut}' does not exist`],
      ['GET', `/model-requests/${long}`, undefined, 'model_request_not_found', `Model request '${cut}' does not exist`],
      [
        'PATCH',
        `/endpoints/long-id-404/served-entities/${long}`,
        { model: 'm2' },
        'served_entity_not_found',
        `Endpoint 'long-id-404' has no served entity '${cut}'`,
      ],
    ];
    for (const [method, path, json, code, message] of cases) {
      await expectAdminError(await admin(method, path, json), 404, { code, message });
    }
    // An id of 100 characters or fewer is quoted whole.
    await expectAdminError(await admin('GET', `/endpoints/${'y'.repeat(100)}`), 404, {
      message: `Endpoint '${'y'.repeat(100)}' does not exist`,
    });
  });
});

describe('a query parameter that is not a number says what was sent', () => {
  it('answers limit=abc or limit=1e2 with "expected integer, got \'abc\'", not "got not a number" or a page of 100', async () => {
    const cases: Array<[string, string, string]> = [
      ['/keys?limit=abc', 'limit', "expected integer, got 'abc'"],
      ['/model-requests?limit=ten', 'limit', "expected integer, got 'ten'"],
      ['/audit?before=last', 'before', "expected integer, got 'last'"],
      [`/endpoints?limit=${'z'.repeat(5_000)}`, 'limit', `expected integer, got '${'z'.repeat(100)}…'`],
      // Numbers that are not integers were already shown as sent.
      ['/tenants?limit=1.5', 'limit', 'expected integer, got 1.5'],
      // Only decimal digits: JavaScript's Number() would have read these as 100, 16, 5 and 10.
      ['/keys?limit=1e2', 'limit', "expected integer, got '1e2'"],
      ['/endpoints?limit=0x10', 'limit', "expected integer, got '0x10'"],
      ['/model-requests?limit=%205', 'limit', "expected integer, got ' 5'"],
      ['/audit?before=1e1', 'before', "expected integer, got '1e1'"],
      ['/tenants?limit=', 'limit', "expected integer, got ''"],
    ];
    for (const [path, param, why] of cases) {
      const message = `Invalid query parameter '${param}': ${why}`;
      const body = await expectAdminError(await admin('GET', path), 400, { code: 'invalid_query', param, message });
      expect(body.error.issues, path).toEqual([{ param, message }]);
    }
    // An unknown parameter's name is cut as well.
    await expectAdminError(await admin('GET', `/keys?${'q'.repeat(5_000)}=1`), 400, {
      code: 'invalid_query',
      message: `Unknown query parameter(s) '${'q'.repeat(100)}…': this route takes 'limit', 'cursor'`,
    });
  });
});
