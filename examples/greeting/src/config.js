'use strict';
// Per-alias configuration: one deployed version behaves per stage without redeploying.

const byAlias = {
  STAGE: { prefix: 'Hello from staging' },
  PROD: { prefix: 'Hello' },
};
const fallback = { prefix: 'Hello (unreleased)' };

exports.configFor = (alias) => byAlias[alias] || fallback;
