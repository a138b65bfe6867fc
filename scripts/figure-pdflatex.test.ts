/**
 * The exported comparison figure compiles with pdflatex (issue 13: "a LaTeX snippet … that compiles
 * in CI"). Needs pdflatex with xcolor, ulem, soul and lmodern (Debian: texlive-latex-base,
 * texlive-latex-recommended, texlive-latex-extra, texlive-plain-generic; .ci/run installs them).
 * Skipped on a machine without pdflatex, except in CI (CI=true), where its absence fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latexDocument } from '../core/compare/figure';

function hasPdflatex(): boolean {
  return spawnSync('pdflatex', ['--version'], { stdio: 'ignore' }).status === 0;
}
const available = hasPdflatex();
const inCi = process.env.CI === 'true' || process.env.CI === '1';

describe('LaTeX figure export', () => {
  it.runIf(inCi && !available)('pdflatex is installed in CI', () => {
    expect(available, 'pdflatex is missing: .ci/run installs texlive-latex-base/-recommended/-extra').toBe(true);
  });

  it.skipIf(!available)('a generated figure with every special character, overlaps and all labels compiles', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'videocap-fig-'));
    try {
      const text = 'A tall man opens the door & 100% $sure$ #1 {x} ~ ^ \\ <b>|"q" – café — 猫🙂 then_a dog barks.';
      const tex = latexDocument({
        clipId: 'dream-1k/7_%x',
        reference: 'Reference with \\input{x} and 50% & $math$',
        title: 'Fig. 3 style: GPT_4o vs. Tarsier2 & co.',
        columns: [
          { name: 'GPT-4o_mini & co', text, spans: [
            { start: 2, end: 6, label: 'unique' },
            { start: 7, end: 10, label: 'accurate' },
            { start: 11, end: 40, label: 'hallucination' },
            { start: 30, end: 70, label: 'accurate' },
            { start: 60, end: text.length, label: 'unique' },
            { start: 0, end: 3, label: 'note' },
          ] },
          { name: 'All unique', text, spans: [{ start: 0, end: text.length, label: 'unique' }] },
          { name: 'All hallucinated', text, spans: [{ start: 0, end: text.length, label: 'hallucination' }] },
          { name: 'Empty', text: '', spans: [] },
        ],
      });
      writeFileSync(path.join(dir, 'fig.tex'), tex);
      execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', '-no-shell-escape', 'fig.tex'], { cwd: dir, stdio: 'pipe', timeout: 60_000 });
      expect(existsSync(path.join(dir, 'fig.pdf'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
