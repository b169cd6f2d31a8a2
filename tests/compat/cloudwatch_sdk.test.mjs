// CloudWatch metrics, alarms and Logs of `lambda-cd local` through the AWS SDK for JavaScript v3
// (@aws-sdk/client-cloudwatch speaks JSON 1.0 with awsQueryCompatible errors; client-cloudwatch-logs
// JSON 1.1): invocation counts per alias and ExecutedVersion, a metric-math error rate, alarms put,
// described and set, the modeled exception for a missing alarm, logs filtered and read by token.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const {
  LambdaClient, CreateFunctionCommand, PublishVersionCommand, CreateAliasCommand, UpdateAliasCommand,
  UpdateFunctionCodeCommand, InvokeCommand, GetFunctionConfigurationCommand,
} = require('@aws-sdk/client-lambda');
const {
  CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand, PutMetricAlarmCommand, DescribeAlarmsCommand,
  SetAlarmStateCommand, ListMetricsCommand, ResourceNotFound,
} = require('@aws-sdk/client-cloudwatch');
const {
  CloudWatchLogsClient, FilterLogEventsCommand, DescribeLogStreamsCommand, GetLogEventsCommand,
  ResourceNotFoundException,
} = require('@aws-sdk/client-cloudwatch-logs');

const lambdaCd = process.env.LAMBDA_CD;
const work = mkdtempSync(join(tmpdir(), 'lcd-cw-sdk-'));
const region = 'eu-north-1';
const account = '111122223333';  // a 12-digit access key acts as that account
const credentials = { accessKeyId: account, secretAccessKey: 'test' };
const fn = 'sdkobserved';

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
  console.log('serving ${tag}', context.functionVersion);
  if (event.fail) throw new Error('failing on purpose');
  return { tag: '${tag}' };
};`;

async function waitUpdated(client) {
  for (let i = 0; i < 200; i++) {
    const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    if (c.State === 'Active' && (c.LastUpdateStatus === undefined || c.LastUpdateStatus === 'Successful')) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('function never became Active/Successful');
}

let passed = 0;
let failed = 0;
async function check(name, f) {
  try { await f(); passed++; console.log(`ok   ${name}`); } catch (e) { failed++; console.log(`FAIL ${name}: ${e.stack || e}`); }
}

const metric = (name, dims) => ({ Namespace: 'AWS/Lambda', MetricName: name, Dimensions: dims });
const dims = (resource, executed) => [
  { Name: 'FunctionName', Value: fn },
  ...(resource ? [{ Name: 'Resource', Value: `${fn}:${resource}` }] : []),
  ...(executed ? [{ Name: 'ExecutedVersion', Value: executed }] : []),
];
const sum = (values) => values.reduce((a, b) => a + b, 0);

const { proc, url } = await startEndpoint();
try {
  const lambda = new LambdaClient({ endpoint: url, region, credentials, maxAttempts: 1 });
  const cloudwatch = new CloudWatchClient({ endpoint: url, region, credentials, maxAttempts: 1 });
  const logs = new CloudWatchLogsClient({ endpoint: url, region, credentials, maxAttempts: 1 });

  await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: `arn:aws:iam::${account}:role/r`,
    Code: { ZipFile: zipOf(handler('one')) },
  }));
  await waitUpdated(lambda);
  const v1 = (await lambda.send(new PublishVersionCommand({ FunctionName: fn }))).Version;
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: fn, ZipFile: zipOf(handler('two')) }));
  await waitUpdated(lambda);
  const v2 = (await lambda.send(new PublishVersionCommand({ FunctionName: fn }))).Version;
  await lambda.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: v1 }));
  const start = new Date(Date.now() - 120000);
  for (let i = 0; i < 2; i++) await lambda.send(new InvokeCommand({ FunctionName: fn, Qualifier: 'live' }));
  await lambda.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: v2 }));
  for (const fail of [false, true, true]) {
    await lambda.send(new InvokeCommand({ FunctionName: fn, Qualifier: 'live', Payload: Buffer.from(JSON.stringify({ fail })) }));
  }
  const end = new Date(Date.now() + 120000);

  await check('GetMetricData: invocations per alias and ExecutedVersion, and an error-rate expression', async () => {
    const out = await cloudwatch.send(new GetMetricDataCommand({
      StartTime: start, EndTime: end, ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        { Id: 'alias', MetricStat: { Metric: metric('Invocations', dims('live')), Period: 3600, Stat: 'Sum' } },
        { Id: 'one', MetricStat: { Metric: metric('Invocations', dims('live', v1)), Period: 3600, Stat: 'Sum' } },
        { Id: 'inv', MetricStat: { Metric: metric('Invocations', dims('live', v2)), Period: 3600, Stat: 'Sum' }, ReturnData: false },
        { Id: 'err', MetricStat: { Metric: metric('Errors', dims('live', v2)), Period: 3600, Stat: 'Sum' }, ReturnData: false },
        { Id: 'rate', Expression: '100 * err / inv', Label: 'error rate' },
      ],
    }));
    const byId = Object.fromEntries(out.MetricDataResults.map((r) => [r.Id, r]));
    assert.deepEqual(Object.keys(byId).sort(), ['alias', 'one', 'rate']);
    assert.equal(sum(byId.alias.Values), 5);
    assert.equal(sum(byId.one.Values), 2);
    assert.equal(byId.rate.Label, 'error rate');
    assert.ok(Math.abs(byId.rate.Values[0] - 200 / 3) < 1e-9, JSON.stringify(byId.rate));
    assert.ok(byId.alias.Timestamps[0] instanceof Date);
  });

  await check('GetMetricStatistics and ListMetrics', async () => {
    const out = await cloudwatch.send(new GetMetricStatisticsCommand({
      Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: dims('live', v2), StartTime: start, EndTime: end,
      Period: 60, Statistics: ['Sum', 'SampleCount'],
    }));
    assert.equal(sum(out.Datapoints.map((d) => d.Sum)), 2);
    assert.equal(sum(out.Datapoints.map((d) => d.SampleCount)), 3);
    const listed = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/Lambda', MetricName: 'Invocations',
      Dimensions: [{ Name: 'Resource', Value: `${fn}:live` }] }));
    assert.equal(listed.Metrics.length, 3, JSON.stringify(listed.Metrics));  // live, live+v1, live+v2
  });

  await check('alarms: put, describe, set, and the modeled ResourceNotFound', async () => {
    await cloudwatch.send(new PutMetricAlarmCommand({
      AlarmName: 'sdk-errors', Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: dims('live'), Statistic: 'Sum',
      Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    }));
    const described = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['sdk-errors'] }));
    assert.equal(described.MetricAlarms.length, 1);
    assert.equal(described.MetricAlarms[0].AlarmArn, `arn:aws:cloudwatch:${region}:${account}:alarm:sdk-errors`);
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'sdk-errors', StateValue: 'ALARM', StateReason: 'from the SDK' }));
    const alarmed = await cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    assert.deepEqual(alarmed.MetricAlarms.map((a) => a.StateReason), ['from the SDK']);
    assert.ok(alarmed.MetricAlarms[0].StateUpdatedTimestamp instanceof Date);
    await assert.rejects(
      cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' })),
      (e) => e instanceof ResourceNotFound && e.$metadata.httpStatusCode === 404);
  });

  await check('logs: streams per version, FilterLogEvents, GetLogEvents, the modeled missing group', async () => {
    const group = `/aws/lambda/${fn}`;
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    const names = streams.logStreams.map((s) => s.logStreamName);
    assert.ok(names.some((n) => n.includes(`[${v1}]`)) && names.some((n) => n.includes(`[${v2}]`)), names.join(' '));
    const failures = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"failing on purpose"' }));
    assert.equal(failures.events.length, 2, JSON.stringify(failures.events));
    assert.equal(new Set(failures.events.map((e) => e.eventId)).size, 2);
    const stream = names.find((n) => n.includes(`[${v2}]`));
    const first = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, limit: 4 }));
    assert.match(first.events[0].message, /^START RequestId: \S+ Version: \d+\n$/);
    let token = first.nextForwardToken;
    let total = first.events.length;
    for (let i = 0; i < 20; i++) {
      const page = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true, nextToken: token }));
      total += page.events.length;
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    assert.ok(total >= 12, `read ${total} events`);  // 3 invokes x (START, console, END, REPORT) at least
    await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/none' })),
      (e) => e instanceof ResourceNotFoundException && e.$metadata.httpStatusCode === 400);
  });
} finally {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.on('exit', r));
  rmSync(work, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
