'use strict';
// A greeting function that reads the alias it was invoked through from
// context.invokedFunctionArn and picks that stage's configuration.

const { configFor } = require('./config');

// "arn:aws:lambda:us-east-1:000000000000:function:greeting:STAGE" -> "STAGE";
// an unqualified ARN or a version number has no alias.
function aliasOf(invokedFunctionArn) {
  const parts = String(invokedFunctionArn || '').split(':');
  if (parts.length < 8) return null;
  const qualifier = parts[7];
  if (qualifier === '$LATEST' || /^[0-9]+$/.test(qualifier)) return null;
  return qualifier;
}

function greet(name, alias) {
  const who = typeof name === 'string' && name.trim() !== '' ? name.trim() : 'World';
  const config = configFor(alias);
  return `${config.prefix}, ${who}!`;
}

exports.handler = async (event, context) => {
  const alias = aliasOf(context.invokedFunctionArn);
  return {
    message: greet(event && event.name, alias),
    alias: alias,
    version: context.functionVersion,
  };
};

exports.aliasOf = aliasOf;
exports.greet = greet;
