/**
 * Whether `next build` must run again: a SHA-256 over every file the build can read (sources,
 * data, lockfile, configs — by path and content, not mtimes, so a checkout, a copy or a touched
 * file without changes does not rebuild, and any real edit does). Used by `npm run demo`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Folders that never feed the app build (outputs, dependencies, tests, benchmarks). */
const SKIP_DIRS = new Set(['node_modules', '.git', '.data', '.next', '.next-e2e', 'e2e', 'bench', 'test-results', 'playwright-report', 'tmp']);
/** Files that never feed it: tests, documentation, editor and build leftovers, and next-env.d.ts (written by `next build` itself). */
const SKIP_FILE = /(\.test\.tsx?|\.md|\.tsbuildinfo|~|\.swp)$|^next-env\.d\.ts$/;

function walk(root: string, rel: string, out: string[]): void {
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.next')) walk(root, p, out);
    } else if (entry.isFile() && !SKIP_FILE.test(entry.name)) {
      out.push(p);
    }
  }
}

/** Hex SHA-256 of the build inputs under `root`, plus `extra` (e.g. environment that changes the build). */
export function buildInputsHash(root: string, extra = ''): string {
  const files: string[] = [];
  walk(root, '', files);
  files.sort();
  const h = createHash('sha256');
  h.update(`extra\0${extra}\0`);
  for (const f of files) {
    h.update(`${f}\0`);
    h.update(readFileSync(path.join(root, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

const STAMP = '.videocap-build-inputs';

/** True when `distDir` holds a finished build made from inputs with this hash. */
export function buildIsCurrent(distDir: string, hash: string): boolean {
  if (!existsSync(path.join(distDir, 'BUILD_ID'))) return false;
  try {
    return readFileSync(path.join(distDir, STAMP), 'utf8').trim() === hash;
  } catch {
    return false;
  }
}

/** Record that `distDir` was built from inputs with this hash (after a successful build). */
export function markBuilt(distDir: string, hash: string): void {
  writeFileSync(path.join(distDir, STAMP), `${hash}\n`);
}
