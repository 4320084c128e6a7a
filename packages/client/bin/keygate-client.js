#!/usr/bin/env node
// Entry point for `npx keygate-client`: loads the TypeScript sources through tsx so the
// repository runs as checked out, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
