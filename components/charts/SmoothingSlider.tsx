'use client';

import { SMOOTHING_STOPS, snapSmoothing } from '../../core/smoothing';
import { Slider } from '../ui/Slider';

export interface SmoothingSliderProps {
  /** TensorBoard smoothing weight: 0 (off) or one of SMOOTHING_STOPS. */
  value: number;
  /** Every movement (e.g. to show the weight being chosen). */
  onChange: (value: number) => void;
  /** When the user lets go (e.g. write the URL with core/view-state.ts, which re-fetches the curves). */
  onCommit?: (value: number) => void;
  className?: string;
}

/** Off, then every weight the server keeps EMA state for (core/smoothing.ts SMOOTHING_STOPS). */
const WEIGHTS: readonly number[] = [0, ...SMOOTHING_STOPS];

/**
 * TensorBoard's smoothing control, on the weights the server smooths with exactly (0 = off … 0.999).
 * The range input moves over stop indices; `aria-valuetext` and the label show the weight.
 */
export function SmoothingSlider({ value, onChange, onCommit, className }: SmoothingSliderProps) {
  const index = Math.max(0, WEIGHTS.indexOf(snapSmoothing(value)));
  return (
    <Slider
      label="Smoothing"
      value={index}
      min={0}
      max={WEIGHTS.length - 1}
      step={1}
      onChange={(i) => onChange(WEIGHTS[i] ?? 0)}
      onCommit={onCommit ? (i) => onCommit(WEIGHTS[i] ?? 0) : undefined}
      format={(i) => {
        const w = WEIGHTS[i] ?? 0;
        return w === 0 ? 'off' : String(w);
      }}
      className={className}
      data-testid="smoothing-slider"
      title="Debiased EMA (TensorBoard) over the whole stored series: zooming never changes a smoothed value"
    />
  );
}
