import { SCHEMA_PREFIX, type JsonSchema } from './components';
import type { MediaType, OpenApiDocument, Operation, Parameter, ResponseObject } from './document-types';
import { escapeHtml as e, jsonHtml, prose, schemaAnchor } from './html';

/**
 * The API description as one self-contained HTML page: no scripts, no external
 * resources. Operations grouped by tag, schemas as JSON in `<details>`, and every
 * named schema at the end. Everything taken from the document is escaped.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, Array<{ method: string; path: string; op: Operation }>>(
    doc.tags.map((t) => [t.name, []]),
  );
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  const tagText = new Map(doc.tags.map((t) => [t.name, t.description ?? '']));
  const title = `${doc.info.title} API`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${e(doc.info.title)} <small>API ${e(doc.info.version)}</small></h1>
${doc.info.description ? `<p>${prose(doc.info.description)}</p>` : ''}
<p>This page is generated from the OpenAPI ${e(doc.openapi)} description at <a href="/openapi.json">/openapi.json</a>.</p>
<h2>Authentication</h2>
<ul>${Object.entries(doc.components.securitySchemes)
    .map(
      ([name, s]) =>
        `<li><code>${e(name)}</code>: <code>Authorization: Bearer …</code>. ${prose(s.description ?? '')}</li>`,
    )
    .join('')}</ul>
<nav>
<h2>Contents</h2>
<ul>${[...byTag]
    .map(
      ([tag, ops]) =>
        `<li><a href="#${e(tagAnchor(tag))}">${e(tag)}</a><ul>${ops
          .map(
            ({ method, path, op }) =>
              `<li><a href="#${e(opAnchor(op))}"><span class="m m-${e(method)}">${e(method.toUpperCase())}</span> ${e(path)}</a></li>`,
          )
          .join('')}</ul></li>`,
    )
    .join('')}<li><a href="#schemas">Schemas</a></li></ul>
</nav>
</header>
<main>
${[...byTag]
  .map(
    ([tag, ops]) => `<section id="${e(tagAnchor(tag))}">
<h2>${e(tag)}</h2>
${tagText.get(tag) ? `<p>${prose(tagText.get(tag)!)}</p>` : ''}
${ops.map(({ method, path, op }) => operation(doc, method, path, op)).join('\n')}
</section>`,
  )
  .join('\n')}
<section id="schemas">
<h2>Schemas</h2>
${Object.entries(doc.components.schemas)
  .map(
    ([name, schema]) =>
      `<details id="${e(schemaAnchor(name))}"><summary><code>${e(name)}</code></summary><pre>${jsonHtml(schema)}</pre></details>`,
  )
  .join('\n')}
</section>
</main>
</body>
</html>
`;
}

function operation(doc: OpenApiDocument, method: string, path: string, op: Operation): string {
  const body = op.requestBody?.content['application/json'];
  const responses = Object.entries(op.responses);
  return `<article class="op" id="${e(opAnchor(op))}">
<h3><span class="m m-${e(method)}">${e(method.toUpperCase())}</span> <code>${e(path)}</code></h3>
<p><strong>${prose(op.summary)}</strong></p>
${op.description ? `<p>${prose(op.description)}</p>` : ''}
<p class="meta">Auth: ${auth(doc, op)} · <code>${e(op.operationId)}</code></p>
${op.parameters?.length ? parameters(op.parameters) : ''}
${body ? `<details><summary>Request body <code>application/json</code>${schemaName(body.schema)}</summary>${op.requestBody?.description ? `<p>${prose(op.requestBody.description)}</p>` : ''}<pre>${jsonHtml(shown(doc, body.schema))}</pre></details>` : ''}
<h4>Responses</h4>
${responses
  .filter(([status]) => !isError(status))
  .map(([status, r]) => response(doc, status, r))
  .join('\n')}
${errors(responses.filter(([status]) => isError(status)))}
</article>`;
}

function auth(doc: OpenApiDocument, op: Operation): string {
  const names = op.security.flatMap((requirement) => Object.keys(requirement));
  if (!names.length) return 'none';
  return names
    .map((n) => `<code>${e(n)}</code>: ${prose(doc.components.securitySchemes[n]?.description ?? 'bearer token')}`)
    .join('; or ');
}

function parameters(params: Parameter[]): string {
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${e(p.name)}</code></td><td>${e(p.in)}${p.required ? ', required' : ''}</td><td><code>${e(typeText(p.schema))}</code></td><td>${prose(p.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>Parameter</th><th>In</th><th>Schema</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function response(doc: OpenApiDocument, status: string, r: ResponseObject): string {
  const media = Object.entries(r.content ?? {})
    .map(([type, m]) => mediaType(doc, type, m))
    .join('');
  const headers = Object.entries(r.headers ?? {})
    .map(([name, h]) => `<li><code>${e(name)}</code>: ${prose(h.description)}</li>`)
    .join('');
  return `<details class="response"><summary><span class="status s${e(status.charAt(0))}">${e(status)}</span> ${prose(r.description)}</summary>${
    headers ? `<p>Headers:</p><ul>${headers}</ul>` : ''
  }${media}</details>`;
}

const isError = (status: string) => status.startsWith('4') || status.startsWith('5');

/** Error responses as one table: their bodies are the same few schemas, linked rather than repeated. */
function errors(list: Array<[string, ResponseObject]>): string {
  if (!list.length) return '';
  const rows = list
    .map(([status, r]) => {
      const bodies = Object.entries(r.content ?? {}).map(
        ([type, m]) => `<code>${e(type)}</code>${schemaName(m.schema)}`,
      );
      const headers = Object.keys(r.headers ?? {}).map((h) => `<code>${e(h)}</code>`);
      return `<tr><td><span class="status s${e(status.charAt(0))}">${e(status)}</span></td><td>${prose(r.description)}</td><td>${bodies.join(', ')}${
        headers.length ? `; headers ${headers.join(', ')}` : ''
      }</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>Error</th><th>When</th><th>Body</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function mediaType(doc: OpenApiDocument, type: string, m: MediaType): string {
  const events = m['x-event-data'];
  if (events) {
    const text = typeof m.schema.description === 'string' ? m.schema.description : '';
    return `<p><code>${e(type)}</code>: ${prose(text)} Event data${schemaName(events)}:</p><pre>${jsonHtml(shown(doc, events))}</pre>`;
  }
  return `<p><code>${e(type)}</code>${schemaName(m.schema)}</p><pre>${jsonHtml(shown(doc, m.schema))}</pre>`;
}

/** A reference shows the schema it names (its own nested references stay links). */
function shown(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  const name = refName(schema);
  return (name && doc.components.schemas[name]) || schema;
}

function schemaName(schema: JsonSchema): string {
  const name = refName(schema);
  return name ? ` · <a href="#${e(schemaAnchor(name))}">${e(name)}</a>` : '';
}

function refName(schema: JsonSchema): string | undefined {
  const ref = schema.$ref;
  return typeof ref === 'string' && ref.startsWith(SCHEMA_PREFIX) ? ref.slice(SCHEMA_PREFIX.length) : undefined;
}

function typeText(schema: JsonSchema): string {
  return refName(schema) ?? (typeof schema.type === 'string' ? schema.type : JSON.stringify(schema));
}

function tagAnchor(tag: string): string {
  return `tag-${tag.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`;
}

function opAnchor(op: Operation): string {
  return `op-${op.operationId}`;
}

const CSS = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 1rem 2rem; color: #1d1d1f; }
h1 small { font-size: .55em; color: #666; font-weight: normal; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2.5rem; }
h3 { margin: 0 0 .4rem; font-size: 1.05rem; }
h4 { margin: .8rem 0 .3rem; font-size: .95rem; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f3f3f5; padding: 0 .25em; border-radius: 3px; }
pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; border: 1px solid #e3e3e8; padding: .7rem; overflow: auto; max-height: 32rem; }
nav ul { list-style: none; padding-left: 1rem; }
nav li { margin: .15rem 0; }
a { color: #0b57d0; text-decoration: none; }
a:hover { text-decoration: underline; }
.op { border: 1px solid #e3e3e8; border-radius: 6px; padding: .8rem 1rem; margin: 1rem 0; }
.meta { color: #555; font-size: .9em; }
.m { display: inline-block; min-width: 4.2em; text-align: center; font: bold 12px ui-monospace, monospace; color: #fff; border-radius: 3px; padding: .1em .3em; }
.m-get { background: #1a7f37; } .m-post { background: #0b57d0; } .m-patch { background: #9a6700; } .m-put { background: #8250df; } .m-delete { background: #cf222e; }
.status { display: inline-block; min-width: 2.6em; font: bold 13px ui-monospace, monospace; }
.s2 { color: #1a7f37; } .s4 { color: #9a6700; } .s5 { color: #cf222e; }
details { margin: .3rem 0; }
summary { cursor: pointer; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .92em; }
th, td { border: 1px solid #e3e3e8; padding: .25rem .5rem; text-align: left; vertical-align: top; }
`;
