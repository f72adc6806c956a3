#!/usr/bin/env node
'use strict';
// Built by `npm run build` (also run by `npm ci` through the prepare script).
require('../dist/services/cli/src/main.js');
