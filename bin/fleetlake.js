#!/usr/bin/env node
// fleetlake ships TypeScript sources; tsx compiles them in-process on load.
import process from 'node:process';
import { unsupportedNode } from './supported-node.js';

const unsupported = unsupportedNode(process.version);
if (unsupported) {
  process.stderr.write(`${unsupported}\n`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
