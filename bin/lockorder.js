#!/usr/bin/env node
'use strict';
// Runs the bundled CLI when one has been built (dist/cli.js), else the tsc output.
const fs = require('node:fs');
const path = require('node:path');

const bundled = path.join(__dirname, '..', 'dist', 'cli.js');
const compiled = path.join(__dirname, '..', 'out', 'server', 'src', 'cli', 'main.js');
const entry = fs.existsSync(bundled) ? bundled : compiled;
if (!fs.existsSync(entry)) {
  process.stderr.write(`lockorder: ${path.relative(process.cwd(), entry)} is missing; build first with \`npm run build\`\n`);
  process.exit(2);
}
require(entry).runFromProcess();
