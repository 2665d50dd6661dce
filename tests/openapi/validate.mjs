#!/usr/bin/env node
// Validates Liaison's OpenAPI document, offline, and prints every problem found:
//
//   1. against the official OpenAPI 3.1 JSON schema (@seriousme/openapi-schema-validator, which
//      also checks that every $ref resolves);
//   2. the specification's rules that schema cannot express: operationIds are unique, and every
//      {name} of a path is a required path parameter of each of its operations;
//   3. every Schema Object compiles as JSON Schema 2020-12 in Ajv's strict mode (so a misspelt
//      keyword or format is an error, not silently ignored), and every example given in the
//      document (`examples` of a schema, `example`/`examples` of a parameter or media type) is
//      valid against its schema;
//   4. with --server: the real `liaison serve` (fresh SQLite database, free port) answers
//      GET /api/v1/openapi.json with 200, application/json and exactly the file's bytes.
//
// Usage: node validate.mjs path/to/openapi.json [--server path/to/liaison]
// Exits 0 when the document passed every check, 1 otherwise, 2 on a bad command line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default ?? addFormatsModule;
const kMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const kSchemaPrefix = '#/components/schemas/';
const kRoot = 'https://liaison.invalid/openapi-schemas';

// ---- helpers ------------------------------------------------------------------------------------

function pointerToken(token) {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

function describeAjvError(error) {
  const where = error.instancePath || '/';
  const params = error.params && Object.keys(error.params).length
    ? ` ${JSON.stringify(error.params)}` : '';
  return `${where}: ${error.message}${params}`;
}

// Visits every object and array of `value` with its JSON pointer.
function walk(value, pointer, visit) {
  if (value === null || typeof value !== 'object') return;
  visit(value, pointer);
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) walk(child, `${pointer}/${pointerToken(key)}`, visit);
}

// ---- 1. the official schema --------------------------------------------------------------------

async function checkOfficialSchema(document, report) {
  const validator = new Validator();
  // A copy: the validator may annotate what it is given.
  const result = await validator.validate(structuredClone(document));
  if (result.valid) return;
  if (typeof result.errors === 'string') {
    report(`OpenAPI 3.1 schema: ${result.errors}`);
  } else {
    for (const error of result.errors ?? []) report(`OpenAPI 3.1 schema: ${describeAjvError(error)}`);
  }
}

// ---- 2. rules of the specification the schema does not check -----------------------------------

function resolveLocal(document, ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  let node = document;
  for (const raw of ref.slice(2).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !(token in node)) return undefined;
    node = node[token];
  }
  return node;
}

function checkSpecificationRules(document, report) {
  const seen = new Map();
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    const inTemplate = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
    for (const method of kMethods) {
      const operation = item?.[method];
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${template}`;
      const id = operation.operationId;
      if (typeof id !== 'string') {
        report(`${where}: no operationId`);
      } else if (seen.has(id)) {
        report(`${where}: operationId "${id}" is also used by ${seen.get(id)}`);
      } else {
        seen.set(id, where);
      }
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])]
        .map((parameter) => (parameter.$ref ? resolveLocal(document, parameter.$ref) : parameter))
        .filter(Boolean);
      const declared = [];
      for (const parameter of parameters) {
        if (parameter.in !== 'path') continue;
        declared.push(parameter.name);
        if (parameter.required !== true) {
          report(`${where}: path parameter "${parameter.name}" must have "required": true`);
        }
      }
      declared.sort();
      if (JSON.stringify(declared) !== JSON.stringify(inTemplate)) {
        report(`${where}: the path's parameters {${inTemplate.join('}, {')}} and the declared ` +
               `path parameters [${declared.join(', ')}] differ`);
      }
    }
  }
}

// ---- 3. every Schema Object and example --------------------------------------------------------

// A schema with its references to #/components/schemas/X turned into #/$defs/X, so that every
// schema of the document can live in one JSON Schema 2020-12 document.
function rebased(schema, origin, report) {
  return JSON.parse(JSON.stringify(schema), (key, value) => {
    if (key !== '$ref' || typeof value !== 'string') return value;
    if (!value.startsWith(kSchemaPrefix)) {
      report(`${origin}: a schema may refer only to ${kSchemaPrefix}…, not ${value}`);
      return value;
    }
    return `#/$defs/${value.slice(kSchemaPrefix.length)}`;
  });
}

function checkSchemasAndExamples(document, report) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);

  // Every schema: those under components/schemas by name, the inline ones (parameters, media
  // types, headers) under a made-up name; `origins` says where each stands in the document.
  const defs = {};
  const origins = {};
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    const origin = `#/components/schemas/${pointerToken(name)}`;
    defs[name] = rebased(schema, origin, report);
    origins[name] = origin;
  }
  const inlineOf = new Map();  // the document's object holding `schema` -> its def name
  let count = 0;
  walk(document, '#', (value, pointer) => {
    if (Array.isArray(value) || pointer.startsWith('#/components/schemas')) return;
    if (value.schema && typeof value.schema === 'object' && !Array.isArray(value.schema)) {
      const name = `inline-${count++}`;
      defs[name] = rebased(value.schema, `${pointer}/schema`, report);
      origins[name] = `${pointer}/schema`;
      inlineOf.set(value, name);
    }
  });

  try {
    ajv.addSchema({ $id: kRoot, $defs: defs });
  } catch (error) {
    report(`JSON Schema 2020-12: ${error.message}`);
    return;
  }
  const compiled = new Map();  // each schema is compiled (and its problems reported) once
  const failures = new Set();  // a schema that fails fails those that refer to it: report once
  const compile = (name, subpointer = '') => {
    const key = `${kRoot}#/$defs/${pointerToken(name)}${subpointer}`;
    if (!compiled.has(key)) {
      try {
        compiled.set(key, ajv.getSchema(key));
      } catch (error) {
        if (!failures.has(error.message)) {
          failures.add(error.message);
          report(`${origins[name]}${subpointer}: does not compile as JSON Schema 2020-12: ` +
                 `${error.message}`);
        }
        compiled.set(key, undefined);
      }
    }
    return compiled.get(key);
  };
  const checkExample = (validate, example, where) => {
    if (!validate || validate(example)) return;
    for (const error of validate.errors) report(`${where}: example ${describeAjvError(error)}`);
  };

  for (const name of Object.keys(defs)) {
    if (!compile(name)) continue;
    // `examples` of the schema and of every schema inside it.
    walk(defs[name], '', (value, subpointer) => {
      if (Array.isArray(value) || !Array.isArray(value.examples)) return;
      if (subpointer.endsWith('/properties') || subpointer.endsWith('/$defs')) return;
      const validate = compile(name, subpointer);
      value.examples.forEach((example, index) =>
        checkExample(validate, example, `${origins[name]}${subpointer}/examples/${index}`));
    });
  }

  // `example` and `examples` (Example Objects) of parameters, headers and media types.
  walk(document, '#', (value, pointer) => {
    const name = inlineOf.get(value);
    if (!name) return;
    const validate = compile(name);
    if ('example' in value) checkExample(validate, value.example, `${pointer}/example`);
    for (const [key, example] of Object.entries(value.examples ?? {})) {
      const resolved = example?.$ref ? resolveLocal(document, example.$ref) : example;
      if (resolved && 'value' in resolved) {
        checkExample(validate, resolved.value, `${pointer}/examples/${pointerToken(key)}`);
      }
    }
  });
}

// ---- 4. the document as the server serves it ----------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function fetchFromServer(binary, report) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'liaison-openapi-'));
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    LIAISON_DATABASE: `sqlite:///${path.join(tmp, 'liaison.db')}`,
    LIAISON_LISTEN: `127.0.0.1:${port}`,
    LIAISON_PUBLIC_URL: origin,
    LIAISON_THREADS: '1',
    LIAISON_ACCESS_LOG: 'false',
  };
  const output = [];
  const child = spawn(binary, ['serve', '--migrate'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ error: error.message }));  // did not start
  });
  let gone = null;
  exited.then((status) => { gone = status; });
  child.stdout.on('data', (chunk) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk) => output.push(chunk.toString()));
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (gone) {
        report(`${binary} serve exited early (${JSON.stringify(gone)}):\n${output.join('')}`);
        return null;
      }
      try {
        const health = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1_000) });
        if (health.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        report(`${binary} serve did not answer /healthz within 20 s:\n${output.join('')}`);
        return null;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const response = await fetch(`${origin}/api/v1/openapi.json`, {
      signal: AbortSignal.timeout(5_000),
    });
    const body = await response.text();
    if (response.status !== 200) {
      report(`GET /api/v1/openapi.json answered ${response.status}: ${body.slice(0, 300)}`);
      return null;
    }
    const type = response.headers.get('content-type');
    if (type !== 'application/json') {
      report(`GET /api/v1/openapi.json: Content-Type is ${type}, expected application/json`);
    }
    return body;
  } finally {
    if (!gone) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- main ---------------------------------------------------------------------------------------

async function validate(text, label) {
  const problems = [];
  const report = (message) => problems.push(message);
  let document;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return [`not JSON: ${error.message}`];
  }
  await checkOfficialSchema(document, report);
  checkSpecificationRules(document, report);
  checkSchemasAndExamples(document, report);
  const paths = Object.keys(document.paths ?? {}).length;
  if (problems.length === 0) console.log(`${label}: valid OpenAPI ${document.openapi}, ${paths} paths`);
  return problems;
}

async function main() {
  const args = process.argv.slice(2);
  let server = null;
  const files = [];
  for (let i = 0; i < args.length; ++i) {
    if (args[i] === '--server') {
      server = args[++i];
    } else {
      files.push(args[i]);
    }
  }
  if (files.length !== 1 || (args.includes('--server') && !server)) {
    console.error('usage: node validate.mjs path/to/openapi.json [--server path/to/liaison]');
    return 2;
  }
  const file = files[0];
  const text = fs.readFileSync(file, 'utf8');
  const failures = [];
  for (const problem of await validate(text, file)) failures.push(`${file}: ${problem}`);

  if (server) {
    const problems = [];
    const served = await fetchFromServer(server, (message) => problems.push(message));
    if (served !== null && served !== text) {
      problems.push(`the served document differs from ${file} (rebuild ${server}?)`);
    } else if (served !== null) {
      console.log(`GET /api/v1/openapi.json from ${server}: the same ${Buffer.byteLength(text)} bytes`);
    }
    for (const problem of problems) failures.push(`served: ${problem}`);
  }

  for (const failure of failures) console.error(failure);
  if (failures.length) console.error(`${failures.length} problem(s)`);
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
