'use client';

import { useEffect, useRef, useState } from 'react';
import { cn } from '../ui/cn';

export interface MetricPickerProps {
  /** Every key the shown runs logged (in chart order). */
  available: readonly string[];
  /** Keys chosen in the URL (`?keys=`); empty = all. */
  selected: readonly string[];
  /** The new choice; [] when every available key is chosen (the default, kept out of the URL). */
  onChange: (keys: string[]) => void;
  className?: string;
}

/**
 * Which metric charts the run page shows: a dropdown of checkboxes over the logged keys, written to
 * `?keys=` (core/view-state.ts). "All" resets to every key.
 */
export function MetricPicker({ available, selected: fromUrl, onChange, className }: MetricPickerProps) {
  // The URL updates a moment later (router navigation): show the choice at once meanwhile.
  const [pending, setPending] = useState<readonly string[] | null>(null);
  const urlKey = fromUrl.join(',');
  useEffect(() => setPending(null), [urlKey]);
  const selected = pending ?? fromUrl;
  const choose = (keys: string[]) => {
    setPending(keys);
    onChange(keys);
  };
  const all = selected.length === 0;
  const chosen = new Set(all ? available : selected);
  const extra = selected.filter((k) => !available.includes(k)); // asked for in the URL, not logged (yet)
  const options = [...available, ...extra];
  const ref = useRef<HTMLDetailsElement>(null);

  // Close when clicking elsewhere.
  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      if (ref.current?.open && e.target instanceof Node && !ref.current.contains(e.target)) ref.current.open = false;
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, []);

  const toggle = (key: string) => {
    const next = new Set(chosen);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    const list = options.filter((k) => next.has(k));
    choose(list.length === available.length && available.every((k) => next.has(k)) && extra.every((k) => !next.has(k)) ? [] : list);
  };

  return (
    <details ref={ref} className={cn('relative text-sm', className)} data-testid="metric-picker">
      <summary
        className="cursor-pointer list-none rounded-md border border-zinc-300 px-2.5 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        data-testid="metric-picker-toggle"
      >
        Metrics ({all ? `all ${available.length}` : `${selected.length} of ${options.length}`}) ▾
      </summary>
      <div
        role="group"
        aria-label="Metrics to chart"
        className="absolute left-0 z-20 mt-1 max-h-80 w-64 overflow-auto rounded-md border border-zinc-200 bg-white p-2 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      >
        <div className="mb-1 flex gap-2 text-xs">
          <button type="button" className="underline disabled:no-underline disabled:opacity-50" disabled={all} onClick={() => choose([])} data-testid="metric-picker-all">
            All
          </button>
        </div>
        <ul className="flex flex-col gap-0.5">
          {options.map((k) => (
            <li key={k}>
              <label className="flex cursor-pointer items-center gap-2 rounded px-1 font-mono text-xs hover:bg-zinc-100 dark:hover:bg-zinc-800">
                <input
                  type="checkbox"
                  checked={chosen.has(k)}
                  disabled={chosen.has(k) && chosen.size === 1}
                  onChange={() => toggle(k)}
                  data-testid={`metric-picker-option-${k}`}
                />
                <span className="truncate">{k}</span>
              </label>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}
