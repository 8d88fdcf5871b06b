#!/usr/bin/env node
// Committed shim: npm links bins at install time, before `npm run build` has made dist/.
import "../dist/cli.js";
