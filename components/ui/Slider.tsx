'use client';

import { useEffect, useId, useState } from 'react';
import { cn } from './cn';

export interface SliderProps {
  label: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  /** Called on every movement (e.g. to redraw a chart). */
  onChange: (value: number) => void;
  /** Called when the user lets go (pointer up, key up, blur) — e.g. to write the URL. */
  onCommit?: (value: number) => void;
  /** How the current value is shown next to the slider. */
  format?: (value: number) => string;
  disabled?: boolean;
  className?: string;
  'data-testid'?: string;
  /** Hover text of the control. */
  title?: string;
}

export function Slider({
  label,
  value,
  min,
  max,
  step = 1,
  onChange,
  onCommit,
  format = (v) => String(v),
  disabled,
  className,
  'data-testid': testId,
  title,
}: SliderProps) {
  const id = useId();
  const [local, setLocal] = useState(value);
  useEffect(() => setLocal(value), [value]);
  const commit = () => onCommit?.(local);
  return (
    <div className={cn('flex items-center gap-2 text-sm', className)} title={title}>
      <label htmlFor={id} className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
        {label}
      </label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={local}
        aria-valuetext={format(local)}
        disabled={disabled}
        data-testid={testId}
        onChange={(e) => {
          const v = Number(e.target.value);
          setLocal(v);
          onChange(v);
        }}
        onPointerUp={commit}
        onKeyUp={commit}
        onBlur={commit}
        className="h-1.5 w-32 cursor-pointer accent-zinc-900 dark:accent-zinc-100"
      />
      <output htmlFor={id} className="w-12 tabular-nums text-zinc-700 dark:text-zinc-300">
        {format(local)}
      </output>
    </div>
  );
}
