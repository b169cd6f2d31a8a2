// IAM the way older deploy tools (Serverless Framework v1-v3, Claudia, Apex-era scripts) drive it:
// the AWS SDK for JavaScript v2 (aws-sdk@2 from npm) with the endpoint set in code, creating the
// function's role (trust policy as a JSON string, an inline logging policy, an AWS managed policy),
// reading it back (the document comes percent-encoded, as from AWS), creating the function with it on
// `lambda-cd local --strict-iam`, and tearing everything down in the order those tools do.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const work = mkdtempSync(join(tmpdir(), 'lcd-iam-v2-'));
process.env.HOME = work;
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
for (const name of ['AWS_PROFILE', 'AWS_SDK_LOAD_CONFIG', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) delete process.env[name];
const require = createRequire(import.meta.url);
const AWS = require('aws-sdk');

const lambdaCd = process.env.LAMBDA_CD;

function startEndpoint() {
  const proc = spawn(lambdaCd, ['local', '--port', '0', '--strict-iam', '--state', join(work, 'state')],
                     { stdio: ['ignore', 'pipe', 'inherit'] });
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
  writeFileSync(join(work, 'index.js'), source);
  execFileSync('zip', ['-qj', join(work, 'code.zip'), join(work, 'index.js')]);
  return readFileSync(join(work, 'code.zip'));
}

const trustPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
};
const loggingPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: ['arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/v2-fn:*'] }],
};
const basic = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}

const { proc, url } = await startEndpoint();
try {
  const config = {
    endpoint: url, region: 'us-east-1', maxRetries: 0,
    credentials: new AWS.Credentials({ accessKeyId: '123456789012', secretAccessKey: 'secret' }),
  };
  const iam = new AWS.IAM(config);
  const lambda = new AWS.Lambda(config);
  let roleArn;

  await check('createRole, putRolePolicy, attachRolePolicy as a deploy tool does', async () => {
    const created = await iam.createRole({
      RoleName: 'v2-fn-role', Path: '/', AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
    }).promise();
    roleArn = created.Role.Arn;
    assert.equal(roleArn, 'arn:aws:iam::123456789012:role/v2-fn-role');
    assert.match(created.Role.RoleId, /^AROA[A-Z2-7]{17}$/);
    assert.ok(created.Role.CreateDate instanceof Date);
    await iam.putRolePolicy({ RoleName: 'v2-fn-role', PolicyName: 'v2-fn-logging',
                              PolicyDocument: JSON.stringify(loggingPolicy) }).promise();
    await iam.attachRolePolicy({ RoleName: 'v2-fn-role', PolicyArn: basic }).promise();
  });

  await check('getRole finds it; the trust policy decodes with decodeURIComponent', async () => {
    const { Role } = await iam.getRole({ RoleName: 'v2-fn-role' }).promise();
    assert.equal(Role.Arn, roleArn);
    assert.deepEqual(JSON.parse(decodeURIComponent(Role.AssumeRolePolicyDocument)), trustPolicy);
    const inline = await iam.getRolePolicy({ RoleName: 'v2-fn-role', PolicyName: 'v2-fn-logging' }).promise();
    assert.deepEqual(JSON.parse(decodeURIComponent(inline.PolicyDocument)), loggingPolicy);
    const { AttachedPolicies } = await iam.listAttachedRolePolicies({ RoleName: 'v2-fn-role' }).promise();
    assert.deepEqual(AttachedPolicies, [{ PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: basic }]);
  });

  await check('errors carry IAM codes and statuses', async () => {
    await assert.rejects(iam.createRole({ RoleName: 'v2-fn-role', AssumeRolePolicyDocument: JSON.stringify(trustPolicy) }).promise(),
                         (e) => e.code === 'EntityAlreadyExists' && e.statusCode === 409);
    await assert.rejects(iam.getRole({ RoleName: 'nobody' }).promise(),
                         (e) => e.code === 'NoSuchEntity' && e.statusCode === 404);
    await assert.rejects(iam.deleteRole({ RoleName: 'v2-fn-role' }).promise(),
                         (e) => e.code === 'DeleteConflict' && e.statusCode === 409);
  });

  await check('the strict endpoint takes the role for a function', async () => {
    const fn = await lambda.createFunction({
      FunctionName: 'v2-fn', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn,
      Code: { ZipFile: zipOf('exports.handler = async () => "hello";') },
    }).promise();
    assert.equal(fn.Role, roleArn);
    await assert.rejects(lambda.createFunction({
      FunctionName: 'v2-fn-2', Runtime: 'nodejs20.x', Handler: 'index.handler',
      Role: 'arn:aws:iam::123456789012:role/not-yet-created', Code: { ZipFile: zipOf('exports.handler = 1;') },
    }).promise(), (e) => e.code === 'InvalidParameterValueException' &&
      e.message === 'The role defined for the function cannot be assumed by Lambda.');
  });

  await check('teardown: function, policies, role', async () => {
    await lambda.deleteFunction({ FunctionName: 'v2-fn' }).promise();
    await iam.detachRolePolicy({ RoleName: 'v2-fn-role', PolicyArn: basic }).promise();
    await iam.deleteRolePolicy({ RoleName: 'v2-fn-role', PolicyName: 'v2-fn-logging' }).promise();
    await iam.deleteRole({ RoleName: 'v2-fn-role' }).promise();
    await assert.rejects(iam.getRole({ RoleName: 'v2-fn-role' }).promise(), (e) => e.code === 'NoSuchEntity');
  });

  await check('STS through the same SDK: getCallerIdentity names the account of the key', async () => {
    const sts = new AWS.STS(config);
    const who = await sts.getCallerIdentity({}).promise();
    assert.equal(who.Account, '123456789012');
    assert.equal(who.Arn, 'arn:aws:iam::123456789012:root');
  });
} finally {
  proc.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
