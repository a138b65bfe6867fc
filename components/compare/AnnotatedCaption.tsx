'use client';

/**
 * A caption with its spans drawn as stacked underlines (one lane per overlapping span, coloured by
 * label; unique details also highlighted), rendered as React text — never HTML. Segments come from
 * core/compare/spans.ts `layoutSegments`, so a 100 kB caption with a few spans is a few elements.
 * Mouse: select text (the page's keys 1–4 label it), click a span to select it (again to reach an
 * overlapping one). Keyboard: focus the caption (Tab), arrows select words, Shift+arrows extend.
 */
import { forwardRef, memo, useMemo, type CSSProperties, type KeyboardEvent } from 'react';
import { layoutSegments, spanAtClick } from '../../core/compare/spans';
import { labelColor } from './labels';

export interface ShownSpan {
  id: string;
  start: number;
  end: number;
  label: string;
  origin: string;
  status: string;
  needsReview: boolean;
  authorName: string;
  note: string;
}

export interface AnnotatedCaptionProps {
  captionId: string;
  text: string;
  spans: readonly ShownSpan[];
  selectedSpanId: string | null;
  /** A keyboard word selection to show (offsets), or null. */
  keyboardRange: { start: number; end: number } | null;
  onSelectSpan: (spanId: string | null) => void;
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
  onFocus?: () => void;
}

const LANE_PX = 3;

function segmentStyle(covering: readonly ShownSpan[], laneOf: Map<string, number>, selected: string | null): CSSProperties {
  // One 2px line per span, in its lane (lane k sits k·3px above the bottom); suggestions are paler.
  const images: string[] = [];
  const positions: string[] = [];
  let maxLane = 0;
  for (const s of covering) {
    const lane = laneOf.get(s.id) ?? 0;
    maxLane = Math.max(maxLane, lane);
    const c = labelColor(s.label).line + (s.status === 'suggested' ? '88' : '');
    images.push(`linear-gradient(${c}, ${c})`);
    positions.push(`0 calc(100% - ${lane * LANE_PX}px)`);
  }
  const unique = covering.find((s) => s.label === 'unique');
  const isSelected = covering.some((s) => s.id === selected);
  return {
    backgroundImage: images.join(', '),
    backgroundPosition: positions.join(', '),
    backgroundSize: images.map(() => '100% 2px').join(', '),
    backgroundRepeat: 'no-repeat',
    backgroundColor: isSelected ? 'rgba(59, 130, 246, 0.25)' : unique ? labelColor('unique').bg : labelColor(covering[0]!.label).bg,
    paddingBottom: `${(maxLane + 1) * LANE_PX}px`,
    cursor: 'pointer',
    textDecoration: covering.some((s) => s.needsReview) ? 'underline wavy #f59e0b' : undefined,
  };
}

export const AnnotatedCaption = memo(
  forwardRef<HTMLDivElement, AnnotatedCaptionProps>(function AnnotatedCaption({ captionId, text, spans, selectedSpanId, keyboardRange, onSelectSpan, onKeyDown, onFocus }, ref) {
    const all = useMemo(() => (keyboardRange ? [...spans, { id: '__kb', start: keyboardRange.start, end: keyboardRange.end }] : spans), [spans, keyboardRange]);
    const layout = useMemo(() => layoutSegments(text.length, all), [text.length, all]);
    const laneOf = useMemo(() => new Map(spans.map((s, i) => [s.id, layout.lanes[i] ?? 0])), [spans, layout]);
    const selectedIndex = spans.findIndex((s) => s.id === selectedSpanId);
    const kbIndex = keyboardRange ? spans.length : -1;
    return (
      <div
        ref={ref}
        tabIndex={0}
        role="textbox"
        aria-readonly="true"
        aria-label="caption text: select words with the arrow keys (Shift extends), label with 1–4"
        data-testid="caption-text"
        data-caption-id={captionId}
        className="whitespace-pre-wrap break-words rounded p-1 text-sm leading-7 outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
        onKeyDown={onKeyDown}
        onFocus={onFocus}
      >
        {layout.segments.map((seg) => {
          const covering = seg.spans.filter((i) => i !== kbIndex).map((i) => spans[i]!);
          const kb = kbIndex >= 0 && seg.spans.includes(kbIndex);
          const chunk = text.slice(seg.start, seg.end);
          if (covering.length === 0 && !kb) return <span key={seg.start}>{chunk}</span>;
          const style: CSSProperties = covering.length ? segmentStyle(covering, laneOf, selectedSpanId) : {};
          if (kb) style.outline = '2px dashed #3b82f6';
          return (
            <span
              key={seg.start}
              style={style}
              data-testid={covering.length ? 'span-segment' : 'kb-selection'}
              data-labels={covering.map((s) => s.label).join(' ')}
              data-span-ids={covering.map((s) => s.id).join(' ')}
              data-status={covering.map((s) => s.status).join(' ')}
              title={covering.map((s) => `${s.label}${s.origin === 'auto' ? ` (automatic, ${s.status})` : ` by ${s.authorName || 'unknown'}`}${s.note ? `: ${s.note}` : ''}${s.needsReview ? ' — caption changed: review' : ''}`).join('\n')}
              onClick={(e) => {
                if (!covering.length) return;
                const sel = window.getSelection();
                if (sel && !sel.isCollapsed) return; // a drag-selection, not a click
                e.stopPropagation();
                const idx = spanAtClick(
                  seg.spans.filter((i) => i !== kbIndex),
                  spans,
                  selectedIndex >= 0 ? selectedIndex : null,
                );
                onSelectSpan(idx === null ? null : spans[idx]!.id);
              }}
            >
              {chunk}
            </span>
          );
        })}
      </div>
    );
  }),
);

/** The caption offset of a DOM position inside `container` (its text is the caption's text, nothing else). */
export function offsetIn(container: HTMLElement, node: Node, offset: number): number {
  const r = document.createRange();
  r.setStart(container, 0);
  r.setEnd(node, offset);
  return r.toString().length;
}
