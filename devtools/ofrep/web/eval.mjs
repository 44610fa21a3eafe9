// eval.mjs evaluates OpenFeature flags against an OFREP server with the web
// SDK (@openfeature/web-sdk) and the OFREP web provider
// (@openfeature/ofrep-web-provider), which fetches every flag at once with
// POST {baseURL}/ofrep/v1/evaluate/flags and answers from that cache.
//
// start() defines window.ofrepRun(input), which takes the same input
// document as node-eval.mjs and resolves to {"results": [...]}; the results
// are also left in window.ofrepResults and <pre id="results">. Opening the
// page with ?input=<URL-encoded JSON> runs that document at once, for
// debugging by hand.

import { OpenFeature } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { checkInput, evaluate, toResult } from './cases.mjs';

async function run(doc) {
  const input = checkInput(doc);
  const provider = new OFREPWebProvider({
    baseUrl: input.baseURL,
    headers: input.headers,
    // No localStorage cache, polling or refresh on tab visibility: every
    // value comes from this run's requests.
    cacheMode: 'disabled',
    pollInterval: 0,
    disableVisibilityRefresh: true,
  });
  const client = OpenFeature.getClient();
  const results = [];
  let context;
  for (const c of input.cases) {
    const key = JSON.stringify(c.context);
    if (context === undefined) {
      // The web SDK has one static context: set it, then let the provider
      // fetch the flags for it. A failed initialisation (401, 429, ...) is
      // not thrown here: the evaluations report it.
      await OpenFeature.setContext(c.context);
      await OpenFeature.setProviderAndWait(provider).catch(() => {});
    } else if (key !== context) {
      // A new context makes the provider fetch the flags again.
      await OpenFeature.setContext(c.context);
    }
    context = key;
    results.push(toResult(c.flag, evaluate(client, c)));
  }
  await OpenFeature.close();
  const out = { results };
  window.ofrepResults = out;
  document.getElementById('results').textContent = JSON.stringify(out, null, 2);
  document.getElementById('status').textContent = 'done';
  return out;
}

export function start() {
  window.ofrepRun = run;
  document.getElementById('status').textContent = 'ready';
  const param = new URLSearchParams(location.search).get('input');
  if (param !== null) {
    run(JSON.parse(param)).catch((err) => {
      document.getElementById('status').textContent = 'error: ' + err.message;
    });
  }
}
