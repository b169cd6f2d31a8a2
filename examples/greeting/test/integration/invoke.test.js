'use strict';
// Runs against the deployed function, using only the environment `lambda-cd itest` provides.
const assert = require('node:assert/strict');
const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');

const functionName = process.env.LAMBDA_CD_FUNCTION_NAME;
const qualifier = process.env.LAMBDA_CD_QUALIFIER || '$LATEST';
const endpoint = process.env.AWS_ENDPOINT_URL_LAMBDA || process.env.AWS_ENDPOINT_URL;

const client = new LambdaClient(endpoint ? { endpoint } : {});

async function invoke(payload) {
  const out = await client.send(new InvokeCommand({
    FunctionName: functionName,
    Qualifier: qualifier,
    Payload: Buffer.from(JSON.stringify(payload)),
    LogType: 'Tail',
  }));
  return { ...out, body: JSON.parse(Buffer.from(out.Payload).toString('utf8')) };
}

describe(`greeting ${functionName}:${qualifier}`, function () {
  this.timeout(30000);
  before(() => assert.ok(functionName, 'LAMBDA_CD_FUNCTION_NAME is set by lambda-cd itest'));

  it('greets by name', async () => {
    const out = await invoke({ name: 'Ada' });
    assert.equal(out.FunctionError, undefined);
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.match(out.body.message, /, Ada!$/);
  });

  it('defaults to World', async () => {
    const out = await invoke({});
    assert.match(out.body.message, /, World!$/);
  });

  it('returns its log tail', async () => {
    const out = await invoke({ name: 'log' });
    const log = Buffer.from(out.LogResult, 'base64').toString('utf8');
    assert.match(log, /START RequestId: /);
    assert.match(log, /REPORT RequestId: /);
  });
});
