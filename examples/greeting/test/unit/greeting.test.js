'use strict';
const assert = require('node:assert/strict');
const { handler, aliasOf, greet } = require('../../src/index');

const arn = 'arn:aws:lambda:us-east-1:000000000000:function:greeting';

describe('aliasOf', () => {
  it('reads the alias from a qualified ARN', () => assert.equal(aliasOf(`${arn}:STAGE`), 'STAGE'));
  it('has no alias for an unqualified ARN', () => assert.equal(aliasOf(arn), null));
  it('has no alias for $LATEST or a version', () => {
    assert.equal(aliasOf(`${arn}:$LATEST`), null);
    assert.equal(aliasOf(`${arn}:12`), null);
  });
});

describe('greet', () => {
  it('defaults to World', () => assert.equal(greet(undefined, 'PROD'), 'Hello, World!'));
  it('ignores blank names', () => assert.equal(greet('  ', 'PROD'), 'Hello, World!'));
  it('uses the staging prefix on STAGE', () => assert.equal(greet('Ada', 'STAGE'), 'Hello from staging, Ada!'));
});

describe('handler', () => {
  it('greets through the alias it was invoked with', async () => {
    const result = await handler({ name: 'Ada' }, { invokedFunctionArn: `${arn}:PROD`, functionVersion: '3' });
    assert.deepEqual(result, { message: 'Hello, Ada!', alias: 'PROD', version: '3' });
  });
});
