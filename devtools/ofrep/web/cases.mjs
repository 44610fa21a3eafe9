// Shared by node-eval.mjs (Node.js) and eval.mjs (the browser page): checks
// the input document and shapes each evaluation's details into a result.
// Plain JavaScript with no imports, so both runtimes load it as it is.

const TYPES = {
  boolean: 'getBooleanDetails',
  string: 'getStringDetails',
  number: 'getNumberDetails',
  object: 'getObjectDetails',
};

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// checkInput returns the input document with defaults filled in, or throws
// an Error saying which field is wrong.
export function checkInput(doc) {
  if (!isObject(doc)) {
    throw new Error('the input must be a JSON object with "baseURL" and "cases"');
  }
  if (typeof doc.baseURL !== 'string' || doc.baseURL === '') {
    throw new Error('"baseURL" must be a non-empty string, the URL the /ofrep/v1/... paths are appended to');
  }
  const headers = doc.headers ?? {};
  if (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw new Error('"headers" must be an object of strings, e.g. {"Authorization": "Bearer KEY"}');
  }
  if (!Array.isArray(doc.cases)) {
    throw new Error('"cases" must be an array');
  }
  const cases = doc.cases.map((c, i) => {
    const at = `cases[${i}]`;
    if (!isObject(c)) {
      throw new Error(`${at} must be an object`);
    }
    if (typeof c.flag !== 'string' || c.flag === '') {
      throw new Error(`${at}.flag must be a non-empty string`);
    }
    if (!(c.type in TYPES)) {
      throw new Error(`${at}.type must be one of ${Object.keys(TYPES).join(', ')}, not ${JSON.stringify(c.type)}`);
    }
    const want = c.type === 'object' ? 'object' : c.type;
    if (typeof c.default !== want || c.default === null) {
      throw new Error(`${at}.default must be a ${c.type} (a non-null JSON ${c.type === 'object' ? 'object or array' : c.type}), not ${JSON.stringify(c.default)}`);
    }
    const context = c.context ?? {};
    if (!isObject(context)) {
      throw new Error(`${at}.context must be an object`);
    }
    return { flag: c.flag, type: c.type, default: c.default, context };
  });
  // Both providers take the headers as a list of [name, value] pairs (the
  // web provider accepts nothing else).
  return { baseURL: doc.baseURL, headers: Object.entries(headers), cases };
}

// evaluate calls the client's get<Type>Details for one case; a context
// argument is passed only by the server SDK (the web SDK has a static one).
export function evaluate(client, c, ...context) {
  return client[TYPES[c.type]](c.flag, c.default, ...context);
}

// toResult keeps the evaluation details the OFREP tests compare;
// JSON.stringify drops the undefined ones.
export function toResult(flag, details) {
  return {
    flag,
    value: details.value,
    variant: details.variant,
    reason: details.reason,
    errorCode: details.errorCode,
    errorMessage: details.errorMessage,
    flagMetadata: details.flagMetadata,
  };
}
