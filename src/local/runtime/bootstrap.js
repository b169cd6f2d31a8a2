'use strict';
// lambda-cd local: the Node.js runtime client run inside every nodejs* execution environment.
// Embedded in the lambda-cd binary at build time and written to <state_dir>/runtime/ on start.
// Speaks the Lambda Runtime API at $AWS_LAMBDA_RUNTIME_API over one keep-alive connection and
// follows the handler contract of aws-lambda-nodejs-runtime-interface-client (RIC):
// async/promise, callback (callbackWaitsForEmptyEventLoop) and context.succeed/fail/done handlers,
// CommonJS and ESM modules, Lambda-shaped errors, console lines "<iso>\t<request id>\t<LEVEL>\t<msg>".

const net = require('net');
const path = require('path');
const fs = require('fs');
const util = require('util');
const { pathToFileURL } = require('url');

const API = process.env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001';
const API_HOST = API.slice(0, API.lastIndexOf(':'));
const API_PORT = Number(API.slice(API.lastIndexOf(':') + 1));
const BASE = '/2018-06-01/runtime';
const RUNTIME_MAJOR = (() => {
  const m = /nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV || '');
  return m ? Number(m[1]) : 0;
})();

// ---- Errors, shaped as the RIC shapes them ----------------------------------------------------

function namedError(name) {
  return class extends Error {
    constructor(reason) {
      super(reason instanceof Error ? String(reason) : reason);
      this.name = name;
      if (reason instanceof Error && reason.stack) this.stack = `${name}: ${this.message}\n${reason.stack.split('\n').slice(1).join('\n')}`;
    }
  };
}
const ImportModuleError = namedError('Runtime.ImportModuleError');
const HandlerNotFound = namedError('Runtime.HandlerNotFound');
const MalformedHandlerName = namedError('Runtime.MalformedHandlerName');
const UserCodeSyntaxError = namedError('Runtime.UserCodeSyntaxError');
const UnhandledPromiseRejection = namedError('Runtime.UnhandledPromiseRejection');
const CallbackHandlerDeprecated = namedError('Runtime.CallbackHandlerDeprecated');
const NodeJsExit = namedError('Runtime.NodeJsExit');

function isError(e) {
  return util.types.isNativeError(e) || (e !== null && typeof e === 'object' && typeof e.name === 'string'
    && typeof e.message === 'string' && typeof e.stack === 'string');
}

function toRapidResponse(error) {
  try {
    if (isError(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: String(error.stack).split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// ---- Console ---------------------------------------------------------------------------------

let currentRequestId; // undefined outside an invocation, as in Lambda's init logs
function patchConsole() {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      let message = util.format(...args);
      if (method === 'trace') message = `Trace: ${message}\n${new Error().stack.split('\n').slice(2).join('\n')}`;
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message}\n`);
    };
  }
}

// ---- Runtime API client ----------------------------------------------------------------------

// A minimal HTTP/1.1 client on one persistent socket: the Runtime API exchange is strictly
// sequential, and Node's http module costs several times more CPU per request. The socket is
// unref'd between requests, so it never keeps the event loop alive (callbackWaitsForEmptyEventLoop
// and "the loop drained" detection depend on that).
let sock = null;
let inbox = Buffer.alloc(0);
let waiting = null; // { resolve, reject }

function connectionLost(error) {
  const w = waiting;
  waiting = null;
  if (sock) { sock.destroy(); sock = null; }
  inbox = Buffer.alloc(0);
  if (w) {
    const e = error || new Error('socket closed');
    if (!e.code) e.code = 'ECONNRESET';
    w.reject(e);
  }
}

function onData(chunk) {
  inbox = inbox.length ? Buffer.concat([inbox, chunk]) : chunk;
  if (!waiting) return;
  const end = inbox.indexOf('\r\n\r\n');
  if (end < 0) return;
  const head = inbox.toString('latin1', 0, end).split('\r\n');
  const status = Number(head[0].split(' ')[1]);
  const headers = {};
  for (let i = 1; i < head.length; i++) {
    const colon = head[i].indexOf(':');
    if (colon > 0) headers[head[i].slice(0, colon).trim().toLowerCase()] = head[i].slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] || 0);
  if (inbox.length < end + 4 + length) return;
  const body = inbox.toString('utf8', end + 4, end + 4 + length);
  inbox = inbox.subarray(end + 4 + length);
  const w = waiting;
  waiting = null;
  if (headers.connection === 'close') { sock.destroy(); sock = null; inbox = Buffer.alloc(0); } else sock.unref();
  w.resolve({ status, headers, body });
}

function call(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    if (!sock) {
      sock = net.createConnection({ host: API_HOST, port: API_PORT, noDelay: true });
      sock.on('data', onData);
      sock.on('error', connectionLost);
      sock.on('close', () => connectionLost(null));
    }
    sock.ref();
    waiting = { resolve, reject };
    const payload = body === undefined ? '' : body;
    let head = `${method} ${BASE}${urlPath} HTTP/1.1\r\nHost: ${API}\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n`;
    for (const [k, v] of Object.entries(headers || {})) {
      if (k.toLowerCase() !== 'content-length') head += `${k}: ${v}\r\n`;
    }
    sock.write(head + '\r\n' + payload);
  });
}

// A keep-alive connection the engine closed while idle surfaces as ECONNRESET on reuse: retry once.
async function callRetrying(method, urlPath, body, headers) {
  try {
    return await call(method, urlPath, body, headers);
  } catch (e) {
    if (e && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return call(method, urlPath, body, headers);
    throw e;
  }
}

function lostEngine(e) {
  // The engine is gone (endpoint stopped or crashed): nothing left to serve, leave quietly.
  process.stderr.write(`lambda-cd runtime: Runtime API unreachable (${e && e.code ? e.code : e}); exiting\n`);
  process.exit(1);
}

function postError(urlPath, error) {
  const payload = toRapidResponse(error);
  const body = JSON.stringify(payload);
  return callRetrying('POST', urlPath, body, {
    'Content-Type': 'application/vnd.aws.lambda.error+json',
    'Lambda-Runtime-Function-Error-Type': payload.errorType,
    'Content-Length': Buffer.byteLength(body),
  });
}

function logError(prefix, error) {
  const r = toRapidResponse(error);
  console.error(prefix, JSON.stringify({ errorType: r.errorType, errorMessage: r.errorMessage, stack: r.trace }));
}

// ---- Handler loading (RIC UserFunction semantics) ---------------------------------------------

function hasTypeModule(file) {
  let dir = path.dirname(file);
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try { return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module'; } catch (_) { return false; }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

function wrapLoadError(e) {
  if (e instanceof SyntaxError) return new UserCodeSyntaxError(e);
  if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) return new ImportModuleError(e);
  return e;
}

async function loadModule(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);
  const exists = (p) => { try { return fs.statSync(p).isFile(); } catch (_) { return false; } };
  try {
    if (exists(base)) return require(base);
    const typeModule = hasTypeModule(base);
    if (exists(base + '.js')) return typeModule ? await import(pathToFileURL(base + '.js').href) : require(base + '.js');
    if (exists(base + '.mjs')) return await import(pathToFileURL(base + '.mjs').href);
    if (exists(base + '.cjs')) return require(base + '.cjs');
    return require(require.resolve(moduleName, { paths: [path.resolve(appRoot, moduleRoot), appRoot] }));
  } catch (e) {
    throw wrapLoadError(e);
  }
}

async function loadHandler() {
  const appRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const full = process.env._HANDLER || '';
  if (full.includes('..')) throw new MalformedHandlerName(`'${full}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  const slash = full.lastIndexOf('/');
  const moduleRoot = full.slice(0, slash + 1);
  const handlerString = full.slice(slash + 1);
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, handlerPath] = match;
  const mod = await loadModule(appRoot, moduleRoot, moduleName);
  let fn = mod;
  for (const part of handlerPath.split('.')) {
    fn = fn === undefined || fn === null ? undefined : fn[part];
  }
  if (fn === undefined || fn === null) throw new HandlerNotFound(`${full} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${full} is not a function`);
  if (RUNTIME_MAJOR >= 24 && fn.constructor.name !== 'AsyncFunction' && fn.length >= 3) {
    throw new CallbackHandlerDeprecated('AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later.');
  }
  return fn;
}

// ---- Invocation loop -------------------------------------------------------------------------

let beforeExitAction = null; // what to do when the event loop drains during an invocation
process.on('beforeExit', () => {
  const action = beforeExitAction;
  beforeExitAction = null;
  if (action) action();
});

let current = null; // { id, finished }

let initialized = false;
// Reports the error where it belongs (the running invocation, else init), then exits as the RIC does.
function fatal(prefix, error, exitCode) {
  logError(prefix, error);
  let target = null;
  if (current && !current.finished) target = `/invocation/${encodeURIComponent(current.id)}/error`;
  else if (!initialized) target = '/init/error';
  if (current) current.finished = true;
  if (!target) process.exit(exitCode);
  postError(target, error).then(() => process.exit(exitCode), () => process.exit(exitCode));
}

process.on('uncaughtException', (error) => fatal('Uncaught Exception', error, 129));
process.on('unhandledRejection', (reason) => {
  const error = new UnhandledPromiseRejection(reason instanceof Error ? String(reason) : String(reason));
  if (reason instanceof Error && reason.stack) error.stack = `Runtime.UnhandledPromiseRejection: ${error.message}\n${reason.stack.split('\n').slice(1).join('\n')}`;
  fatal('Unhandled Promise Rejection', error, 128);
});

function nextInvocation(handler) {
  callRetrying('GET', '/invocation/next').then((res) => {
    if (res.status !== 200) lostEngine(`status ${res.status}`);
    invoke(handler, res);
  }, lostEngine);
}

function invoke(handler, res) {
  const h = res.headers;
  const id = h['lambda-runtime-aws-request-id'];
  const deadline = Number(h['lambda-runtime-deadline-ms']);
  const invocation = { id, finished: false };
  current = invocation;
  currentRequestId = id;
  if (h['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = h['lambda-runtime-trace-id'];
  else delete process.env._X_AMZN_TRACE_ID;

  const finish = (error, result) => {
    if (invocation.finished) return;
    invocation.finished = true;
    beforeExitAction = null;
    let done;
    if (error !== null && error !== undefined) {
      logError('Invoke Error', error);
      done = postError(`/invocation/${encodeURIComponent(id)}/error`, error);
    } else {
      let body;
      try {
        body = JSON.stringify(result === undefined ? null : result);
        if (body === undefined) body = 'null';
      } catch (e) {
        const err = new Error(`Unable to stringify response body: ${e.message}`);
        err.name = 'Runtime.SerializationError';
        logError('Invoke Error', err);
        done = postError(`/invocation/${encodeURIComponent(id)}/error`, err);
      }
      if (!done) {
        done = callRetrying('POST', `/invocation/${encodeURIComponent(id)}/response`, body,
          { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).then((r) => {
          if (r.status === 413 && !r.body) { // refused before the engine saw it (beyond its read limit)
            const err = new Error(`Response payload size exceeded maximum allowed payload size (6291556 bytes).`);
            err.name = 'Function.ResponseSizeTooLarge';
            return postError(`/invocation/${encodeURIComponent(id)}/error`, err);
          }
          return r;
        });
      }
    }
    done.then(() => {
      if (current === invocation) { current = null; currentRequestId = undefined; }
      nextInvocation(handler);
    }, lostEngine);
  };

  let callbackUsed = false;
  const callback = (error, result) => {
    if (invocation.finished || callbackUsed) return;
    callbackUsed = true;
    if (context.callbackWaitsForEmptyEventLoop) beforeExitAction = () => finish(error, result);
    else finish(error, result);
  };

  let clientContext;
  if (h['lambda-runtime-client-context']) {
    try { clientContext = JSON.parse(h['lambda-runtime-client-context']); } catch (_) { clientContext = undefined; }
  }
  let identity;
  if (h['lambda-runtime-cognito-identity']) {
    try { identity = JSON.parse(h['lambda-runtime-cognito-identity']); } catch (_) { identity = undefined; }
  }
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity,
    clientContext,
    tenantId: h['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => deadline - Date.now(),
    succeed: (result) => finish(null, result),
    fail: (error) => finish(error === undefined || error === null ? 'handled' : error),
    done: (error, result) => finish(error, result),
  };

  // A handler that neither returns a promise nor calls back succeeds with null once the loop drains.
  beforeExitAction = () => finish(null, null);
  let event;
  try {
    event = JSON.parse(res.body);
  } catch (e) {
    finish(e);
    return;
  }
  let returned;
  try {
    returned = handler(event, context, callback);
  } catch (e) {
    finish(e);
    return;
  }
  if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
    if (!callbackUsed) beforeExitAction = () => finish(new NodeJsExit('Runtime exited without providing a reason'));
    returned.then((result) => finish(null, result),
      (error) => finish(error === undefined || error === null ? 'handled' : error));
  }
}

async function main() {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    fatal('Init Error', error, 129);
    return;
  }
  initialized = true;
  nextInvocation(handler);
}

main();
