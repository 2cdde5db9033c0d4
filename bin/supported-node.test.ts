import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { unsupportedNode } from './supported-node.js';

describe('unsupportedNode', () => {
  it.each(['v22.15.0', 'v22.22.1', 'v24.0.0', 'v24.22.3', 'v26.1.0'])('accepts %s', (version) => {
    expect(unsupportedNode(version)).toBeUndefined();
  });

  it.each(['v20.20.2', 'v22.14.0', 'v18.0.0'])('refuses %s, naming it and what to do', (version) => {
    const message = unsupportedNode(version);
    expect(message).toContain(`this is ${version}`);
    expect(message).toContain('Node.js 22.15 or newer');
    expect(message).toContain('npx fleetlake');
  });

  it('is what the command runs on: the Node npm installed, not an older system one', () => {
    const run = spawnSync('npx', ['fleetlake', '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(process.versions.node.split('.').map(Number)[0]).toBeGreaterThanOrEqual(22);
  });
});
