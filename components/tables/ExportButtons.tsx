'use client';

/**
 * Export a results table as shown: LaTeX (booktabs), CSV, Markdown — download or copy to the
 * clipboard. The text comes from core/results/export.ts applied to the same view the page renders.
 */
import { useState } from 'react';
import { toCsvTable, toLatex, toMarkdown } from '../../core/results/export';
import type { TableView } from '../../core/results/view';
import { Button } from '../ui/Button';
import { downloadText } from '../ui/download';

type Format = 'latex' | 'csv' | 'markdown';
const FORMATS: { id: Format; label: string; ext: string; mime: string }[] = [
  { id: 'latex', label: 'LaTeX', ext: 'tex', mime: 'application/x-tex' },
  { id: 'csv', label: 'CSV', ext: 'csv', mime: 'text/csv' },
  { id: 'markdown', label: 'Markdown', ext: 'md', mime: 'text/markdown' },
];

export function exportText(view: TableView, format: Format, groupHeaders: boolean): string {
  if (format === 'latex') return toLatex(view, { groupHeaders });
  if (format === 'csv') return toCsvTable(view);
  return toMarkdown(view);
}

export function ExportButtons({ view, fileBase, groupHeaders = true }: { view: TableView; fileBase: string; groupHeaders?: boolean }) {
  const [copied, setCopied] = useState<string | null>(null);
  const download = (f: (typeof FORMATS)[number]) => {
    downloadText(`${fileBase}.${f.ext}`, exportText(view, f.id, groupHeaders), `${f.mime};charset=utf-8`);
  };
  const copy = async (f: (typeof FORMATS)[number]) => {
    try {
      await navigator.clipboard.writeText(exportText(view, f.id, groupHeaders));
      setCopied(`${f.label} copied`);
    } catch (e) {
      setCopied(`could not copy: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="results-export">
      <span className="text-zinc-500">Export</span>
      {FORMATS.map((f) => (
        <span key={f.id} className="inline-flex gap-1">
          <Button size="sm" onClick={() => download(f)} data-testid={`results-download-${f.id}`}>
            {f.label}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => void copy(f)} data-testid={`results-copy-${f.id}`} title={`copy the ${f.label} to the clipboard`}>
            copy
          </Button>
        </span>
      ))}
      {copied && (
        <span className="text-xs text-zinc-500" data-testid="results-copied">
          {copied}
        </span>
      )}
    </div>
  );
}
