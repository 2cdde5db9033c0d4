#!/usr/bin/env node
// fleetlake ships TypeScript sources; tsx compiles them in-process on load.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
