#!/usr/bin/env node
// Entry point for `npx keygate-client`: runs the compiled CLI in ../dist (written by `npm run build`).
import { main } from '../dist/cli/main.js';

await main(process.argv);
