#!/usr/bin/env node
// node-eval.mjs evaluates OpenFeature flags against an OFREP server with the
// server SDK (@openfeature/server-sdk) and the OFREP server provider
// (@openfeature/ofrep-provider), which calls
// POST {baseURL}/ofrep/v1/evaluate/flags/{key} once per evaluation.
//
// Input on stdin:
//   {"baseURL": "http://127.0.0.1:8080", "headers": {"Authorization": "Bearer KEY"},
//    "cases": [{"flag": "k", "type": "boolean", "default": false, "context": {"targetingKey": "alice"}}]}
// Output on stdout:
//   {"results": [{"flag", "value", "variant", "reason", "errorCode", "errorMessage", "flagMetadata"}]}
// Exit status 2 with a message on stderr when the input is not such a document.

import { OpenFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { checkInput, evaluate, toResult } from './web/cases.mjs';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function fail(message) {
  process.stderr.write(`node-eval: bad input document: ${message}\n`);
  process.exit(2);
}

let input;
try {
  input = checkInput(JSON.parse(await readStdin()));
} catch (err) {
  fail(err.message);
}

let provider;
try {
  provider = new OFREPProvider({ baseUrl: input.baseURL, headers: input.headers });
} catch (err) {
  fail(err.message);
}
await OpenFeature.setProviderAndWait(provider);
const client = OpenFeature.getClient();

const results = [];
for (const c of input.cases) {
  results.push(toResult(c.flag, await evaluate(client, c, c.context)));
}
await OpenFeature.close();
process.stdout.write(JSON.stringify({ results }) + '\n');
