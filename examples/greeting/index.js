'use strict';
// The entry point Lambda loads (handler "index.handler", as in template.yaml, whose inline
// placeholder CloudFormation also writes as index.js); the function itself is in src/.
module.exports = require('./src/index');
