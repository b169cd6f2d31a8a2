// Invoke through real clients (issue: Invoke runs the function for real): the AWS SDK for
// JavaScript v3 and AWS CLI v2 against `lambda-cd local`, through an alias, a version and the bare
// name, reading ExecutedVersion, FunctionError, LogResult; and an alias's weighted routing over
// 1,000 invokes checked against its weight.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const {
  LambdaClient, CreateFunctionCommand, UpdateFunctionCodeCommand, PublishVersionCommand, CreateAliasCommand,
  UpdateAliasCommand, InvokeCommand, GetFunctionConfigurationCommand,
} = require('@aws-sdk/client-lambda');

const lambdaCd = process.env.LAMBDA_CD;
const work = mkdtempSync(join(tmpdir(), 'lcd-invoke-'));
// Only what this test sets counts, whatever the caller's shell exports or ~/.aws holds: the SDK and
// every child process (the endpoint, the AWS CLI) see no AWS_* / LAMBDA_CD_* of the caller and an
// empty HOME.
for (const name of Object.keys(process.env)) {
  if (name.startsWith('AWS_') || name.startsWith('LAMBDA_CD_')) delete process.env[name];
}
process.env.HOME = work;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

function startEndpoint() {
  const proc = spawn(lambdaCd, ['local', '--port', '0', '--state', join(work, 'state')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`endpoint did not start: ${seen}`)), 30000);
    proc.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = /lambda-cd local listening on (\S+)/.exec(seen);
      if (m) { clearTimeout(timer); proc.stdout.removeAllListeners('data'); proc.stdout.resume(); resolve({ proc, url: m[1] }); }
    });
  });
}

function zipOf(source) {
  const dir = mkdtempSync(join(work, 'code-'));
  writeFileSync(join(dir, 'index.js'), source);
  execFileSync('zip', ['-qj', join(dir, 'code.zip'), join(dir, 'index.js')]);
  return readFileSync(join(dir, 'code.zip'));
}

const handler = (tag) => `exports.handler = async (event, context) => {
  if (event.fail) throw new TypeError('asked to fail');
  console.log('serving ${tag}');
  return { tag: '${tag}', version: context.functionVersion, arn: context.invokedFunctionArn };
};`;

async function waitUpdated(client, name) {
  for (let i = 0; i < 200; i++) {
    const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (c.State === 'Active' && (c.LastUpdateStatus === undefined || c.LastUpdateStatus === 'Successful')) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('function never became Active/Successful');
}

const decode = (bytes) => JSON.parse(Buffer.from(bytes).toString('utf8'));
let passed = 0;
let failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok   ${name}`); } catch (e) { failed++; console.log(`FAIL ${name}: ${e.stack || e}`); }
}

const { proc, url } = await startEndpoint();
try {
  const client = new LambdaClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const fn = 'jsinvoke';
  await client.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r',
    Code: { ZipFile: zipOf(handler('one')) },
  }));
  await waitUpdated(client, fn);
  const v1 = await client.send(new PublishVersionCommand({ FunctionName: fn }));
  await client.send(new UpdateFunctionCodeCommand({ FunctionName: fn, ZipFile: zipOf(handler('two')) }));
  await waitUpdated(client, fn);
  const v2 = await client.send(new PublishVersionCommand({ FunctionName: fn }));
  await client.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: v1.Version }));
  const arn = `arn:aws:lambda:us-east-1:000000000000:function:${fn}`;

  await check('SDK invoke through an alias: ExecutedVersion, alias ARN in context, LogResult', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: fn, Qualifier: 'live', LogType: 'Tail', Payload: Buffer.from('{}') }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, v1.Version);
    assert.equal(out.FunctionError, undefined);
    assert.deepEqual(decode(out.Payload), { tag: 'one', version: v1.Version, arn: `${arn}:live` });
    const log = Buffer.from(out.LogResult, 'base64').toString('utf8');
    assert.match(log, new RegExp(`START RequestId: \\S+ Version: ${v1.Version}`));
    assert.match(log, /serving one/);
    assert.match(log, /REPORT RequestId: \S+\tDuration: [0-9.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB/);
  });

  await check('SDK invoke of a version and of the bare name', async () => {
    const byVersion = await client.send(new InvokeCommand({ FunctionName: `${fn}:${v2.Version}`, Payload: Buffer.from('{}') }));
    assert.equal(byVersion.ExecutedVersion, v2.Version);
    assert.deepEqual(decode(byVersion.Payload), { tag: 'two', version: v2.Version, arn: `${arn}:${v2.Version}` });
    const bare = await client.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from('{}') }));
    assert.equal(bare.ExecutedVersion, '$LATEST');
    assert.deepEqual(decode(bare.Payload), { tag: 'two', version: '$LATEST', arn });
  });

  await check('SDK sees FunctionError Unhandled and Lambda-shaped error payload', async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: fn, Qualifier: 'live', Payload: Buffer.from('{"fail":true}') }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    const body = decode(out.Payload);
    assert.equal(body.errorType, 'TypeError');
    assert.equal(body.errorMessage, 'asked to fail');
    assert.ok(Array.isArray(body.trace));
  });

  await check('AWS CLI v2 invoke with --qualifier and --log-type Tail', async () => {
    const outFile = join(work, 'cli-out.json');
    // Whatever AWS_* the caller's shell has (AWS_REGION wins over AWS_DEFAULT_REGION in CLI v2), only ours count.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    Object.assign(env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
    const meta = JSON.parse(execFileSync('/usr/bin/aws', ['--endpoint-url', url, '--output', 'json', 'lambda', 'invoke',
      '--function-name', fn, '--qualifier', 'live', '--log-type', 'Tail', '--cli-binary-format', 'raw-in-base64-out',
      '--payload', '{}', outFile], { env }).toString());
    assert.equal(meta.StatusCode, 200);
    assert.equal(meta.ExecutedVersion, v1.Version);
    assert.match(Buffer.from(meta.LogResult, 'base64').toString('utf8'), /serving one/);
    assert.equal(JSON.parse(readFileSync(outFile, 'utf8')).tag, 'one');
  });

  await check('weighted alias: observed split over 1,000 invokes matches the weight', async () => {
    const weight = 0.3;
    await client.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: v1.Version,
      RoutingConfig: { AdditionalVersionWeights: { [v2.Version]: weight } } }));
    const total = 1000;
    const counts = {};
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next++;
        const out = await client.send(new InvokeCommand({ FunctionName: fn, Qualifier: 'live', Payload: Buffer.from('{}') }));
        const body = decode(out.Payload);
        assert.equal(body.version, out.ExecutedVersion, 'ExecutedVersion is the version that ran');
        assert.equal(body.arn, `${arn}:live`, 'context.invokedFunctionArn stays the alias ARN');
        counts[out.ExecutedVersion] = (counts[out.ExecutedVersion] || 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const n2 = counts[v2.Version] || 0;
    assert.equal(n2 + (counts[v1.Version] || 0), total, JSON.stringify(counts));
    // Binomial(1000, 0.3): mean 300, sd 14.5; five standard deviations either side.
    const sd = Math.sqrt(total * weight * (1 - weight));
    assert.ok(Math.abs(n2 - total * weight) <= 5 * sd, `version ${v2.Version} served ${n2} of ${total}`);
    console.log(`     split: ${JSON.stringify(counts)}`);
  });
} finally {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.on('exit', r));
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
