#!/usr/bin/env node
// The compiled CLI (npm start and npm run build produce dist/).
import '../dist/src/cli/main.js';
