import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildInputsHash, buildIsCurrent, markBuilt } from './build-cache';
import { DEMO_RUN_NAME, planDemoRun } from './demo-plan';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'videocap-build-'));
  mkdirSync(path.join(root, 'app'));
  mkdirSync(path.join(root, 'node_modules', 'x'), { recursive: true });
  writeFileSync(path.join(root, 'app', 'page.tsx'), 'export default 1;');
  writeFileSync(path.join(root, 'package-lock.json'), '{}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('demo build reuse', () => {
  it('the hash follows the build inputs only', () => {
    const h0 = buildInputsHash(root);
    expect(buildInputsHash(root)).toBe(h0);
    // Touching a file without changing it, tests, docs, node_modules and .next do not count.
    utimesSync(path.join(root, 'app', 'page.tsx'), new Date(), new Date(Date.now() + 60_000));
    writeFileSync(path.join(root, 'README.md'), '# docs');
    writeFileSync(path.join(root, 'app', 'page.test.ts'), 'test');
    writeFileSync(path.join(root, 'node_modules', 'x', 'index.js'), '1');
    writeFileSync(path.join(root, 'next-env.d.ts'), '/// written by next build'); // the build writes it itself
    mkdirSync(path.join(root, '.next'));
    writeFileSync(path.join(root, '.next', 'BUILD_ID'), 'abc');
    expect(buildInputsHash(root)).toBe(h0);
    // A source edit, a new file or a lockfile change does.
    writeFileSync(path.join(root, 'app', 'page.tsx'), 'export default 2;');
    const h1 = buildInputsHash(root);
    expect(h1).not.toBe(h0);
    writeFileSync(path.join(root, 'app', 'icon.svg'), '<svg/>');
    expect(buildInputsHash(root)).not.toBe(h1);
    expect(buildInputsHash(root, 'NEXT_DIST_DIR=.next')).not.toBe(buildInputsHash(root));
  });

  it('a build is current only when it finished and was made from the same inputs', () => {
    const dist = path.join(root, '.next');
    const h = buildInputsHash(root);
    expect(buildIsCurrent(dist, h)).toBe(false); // nothing built
    mkdirSync(dist);
    writeFileSync(path.join(dist, 'BUILD_ID'), 'abc');
    expect(buildIsCurrent(dist, h)).toBe(false); // built, but not by us / unknown inputs
    markBuilt(dist, h);
    expect(buildIsCurrent(dist, h)).toBe(true);
    expect(buildIsCurrent(dist, 'other')).toBe(false);
  });
});

describe('demo run plan', () => {
  it('starts a live run on every start when nothing is queued or running', () => {
    expect(planDemoRun([])).toEqual({ name: DEMO_RUN_NAME, config: { maxSteps: 300, local: { stepDelayMs: 500, seed: 0 } } });
    expect(planDemoRun([{ name: DEMO_RUN_NAME, status: 'succeeded' }, { name: 'mine', status: 'failed' }])?.name).toBe(`${DEMO_RUN_NAME} #2`);
    expect(planDemoRun([{ name: 'mine', status: 'running' }])).toBeNull();
    expect(planDemoRun([{ name: DEMO_RUN_NAME, status: 'queued' }])).toBeNull();
    expect(planDemoRun([], 1000)?.config.local.stepDelayMs).toBe(1000);
  });
});
