'use client';

/**
 * /compare/clips/<clip id>: one clip, several sources' captions side by side with their spans, the
 * reference caption and human events beside them, the video when the server has it (issue 13).
 *
 * URL: ?q= search, ?benchmark=, ?subset=, ?all=1 (also clips without model captions), ?sources=a,b
 * (chosen source ids, in column order), ?show=mine|everyone|auto. Keys (outside text fields):
 *   j / k      next / previous clip of the filtered list
 *   1 2 3 4    label the selected text (mouse or keyboard selection): hallucination, accurate, unique
 *              detail, note (asks for a comment); with a span selected: relabel it
 *   Delete     delete the selected span;  a / r  accept / reject a selected automatic span
 *   z, Ctrl-Z  undo;  Escape  clear the selection
 * In a focused caption: ←/→ select a word, Shift+←/→ extend, Enter selects the span under it.
 */
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import {
  emptyUndoStack,
  forgetSpan,
  LABEL_KEYS,
  LABEL_NAMES,
  popUndo,
  pushEdit,
  SPAN_LABELS,
  spanAtClick,
  trimRange,
  visibleSpans,
  wordRanges,
  wordSelection,
  type SpanEdit,
  type SpanLabel,
  type SpanSnapshot,
  type SpanVisibility,
  type UndoStack,
} from '../../core/compare/spans';
import { predictionFlags } from '../../core/eval/types';
import { useSession } from '../auth/SessionProvider';
import { api } from '../providers/trpc';
import { ThinkTable } from '../rollouts/ThinkTable';
import { asThinkSubjects } from '../rollouts/rollout-view';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { AnalysisPanel } from './AnalysisPanel';
import { AnnotatedCaption, offsetIn, type ShownSpan } from './AnnotatedCaption';
import { LABEL_COLORS, labelColor } from './labels';
import { SourcesPanel } from './SourcesPanel';

/** The page's path for a clip, keeping the query (filters, sources, visibility). */
export function compareClipHref(clipId: string, query: URLSearchParams | string): string {
  const q = typeof query === 'string' ? query : query.toString();
  return `/compare/clips/${clipId.split('/').map(encodeURIComponent).join('/')}${q ? `?${q}` : ''}`;
}

type Span = ShownSpan & { captionId: string; authorId: string | null; text: string; claim: string | null; judgeModel: string | null; judgeKind: string | null };

const snapshot = (s: Span): SpanSnapshot => ({ id: s.id, captionId: s.captionId, start: s.start, end: s.end, label: s.label, note: s.note });

interface PendingNote {
  /** A new span [start, end) on a caption, or an existing span to relabel as a note. */
  captionId: string;
  start: number;
  end: number;
  spanId: string | null;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

export function CaptionComparePage({ clipId }: { clipId: string | null }) {
  const router = useRouter();
  const params = useSearchParams();
  const { user, can } = useSession();
  const utils = api.useUtils();
  const q = params.get('q') ?? '';
  const benchmark = params.get('benchmark') ?? '';
  const subset = params.get('subset') ?? '';
  const captioned = params.get('all') !== '1';
  const show = (['mine', 'everyone', 'auto'].includes(params.get('show') ?? '') ? params.get('show') : 'mine') as SpanVisibility;
  const sourceParam = params.get('sources');
  const chosenSources = useMemo(() => (sourceParam ? sourceParam.split(',').filter(Boolean) : null), [sourceParam]);

  const setParams = useCallback(
    (patch: Record<string, string | null>, targetClip: string | null = clipId) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(patch)) {
        if (v === null || v === '') next.delete(k);
        else next.set(k, v);
      }
      router.replace(targetClip ? compareClipHref(targetClip, next) : `/compare/clips${next.toString() ? `?${next}` : ''}`, { scroll: false });
    },
    [params, router, clipId],
  );

  const filters = api.captionSource.filters.useQuery(undefined, { staleTime: 60_000 });
  const clips = api.captionSource.clips.useQuery({ q: q || null, benchmark: benchmark || null, subset: subset || null, captioned, limit: 50 });
  const sources = api.captionSource.list.useQuery();
  const detail = api.captionSource.clip.useQuery({ id: clipId ?? '', sourceIds: chosenSources }, { enabled: !!clipId, retry: false, placeholderData: (prev) => prev });

  const ids = useMemo(() => clips.data?.ids ?? [], [clips.data]);
  const position = clipId ? ids.indexOf(clipId) : -1;

  // No clip in the URL: open the first one of the filtered list.
  useEffect(() => {
    if (!clipId && ids.length > 0) router.replace(compareClipHref(ids[0]!, params));
  }, [clipId, ids, params, router]);

  const go = useCallback(
    (delta: number) => {
      if (ids.length === 0) return;
      const at = position < 0 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, position + delta));
      const target = ids[at]!;
      if (target !== clipId) router.push(compareClipHref(target, params), { scroll: false });
    },
    [ids, position, clipId, params, router],
  );

  // ----- annotation state
  const [selected, setSelected] = useState<string | null>(null);
  const [kbSel, setKbSel] = useState<{ captionId: string; anchor: number; focus: number } | null>(null);
  const [undo, setUndo] = useState<UndoStack>(() => emptyUndoStack());
  const [pendingNote, setPendingNote] = useState<PendingNote | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showSources, setShowSources] = useState(false);
  const captionRefs = useRef(new Map<string, HTMLDivElement>());
  useEffect(() => {
    setSelected(null);
    setKbSel(null);
    setPendingNote(null);
  }, [clipId]);

  const captions = useMemo(() => detail.data?.captions ?? [], [detail.data]);
  const allSpans = useMemo(() => captions.flatMap((c) => c.spans as Span[]), [captions]);
  const spanById = useMemo(() => new Map(allSpans.map((s) => [s.id, s])), [allSpans]);
  const selectedSpan = selected ? (spanById.get(selected) ?? null) : null;
  const userId = user?.userId ?? null;
  const mayAnnotate = can('annotate');

  const refresh = useCallback(() => utils.captionSource.clip.invalidate(), [utils]);
  const onMutError = (e: { message: string }) => setError(e.message);
  const createMut = api.annotation.create.useMutation({ onError: onMutError });
  const updateMut = api.annotation.update.useMutation({ onError: onMutError });
  const deleteMut = api.annotation.delete.useMutation({ onError: onMutError });
  const reviewMut = api.annotation.review.useMutation({ onError: onMutError });

  const record = (e: SpanEdit) => setUndo((u) => pushEdit(u, e));

  async function createSpan(captionId: string, start: number, end: number, label: SpanLabel, note?: string) {
    setError(null);
    const s = await createMut.mutateAsync({ captionId, start, end, label, note });
    record({ kind: 'create', span: { id: s.id, captionId, start, end, label, note: s.note } });
    window.getSelection()?.removeAllRanges();
    setKbSel(null);
    setSelected(s.id);
    await refresh();
  }

  async function relabel(span: Span, label: SpanLabel, note?: string) {
    setError(null);
    const after = await updateMut.mutateAsync({ id: span.id, label, note: note ?? (label === 'note' ? span.note : span.note) });
    record({ kind: 'update', before: snapshot(span), after: { ...snapshot(span), label: after.label, note: after.note } });
    await refresh();
  }

  async function removeSpan(span: Span) {
    setError(null);
    await deleteMut.mutateAsync({ id: span.id });
    record({ kind: 'delete', span: snapshot(span) });
    setSelected(null);
    await refresh();
  }

  async function applyUndo() {
    const popped = popUndo(undo);
    if (!popped) return;
    setError(null);
    const e = popped.undo;
    try {
      if (e.kind === 'delete') await deleteMut.mutateAsync({ id: e.span.id });
      else if (e.kind === 'create') await createMut.mutateAsync({ ...e.span, label: e.span.label as SpanLabel, note: e.span.note || undefined });
      else await updateMut.mutateAsync({ id: e.after.id, label: e.after.label as SpanLabel, note: e.after.note });
      setUndo(popped.stack);
    } catch {
      // The span changed elsewhere (deleted, re-created): forget it so undo goes on with the rest.
      setUndo(forgetSpan(popped.stack, e.kind === 'update' ? e.after.id : e.span.id));
    }
    setSelected(null);
    await refresh();
  }

  /** The text the user selected: a mouse selection inside one caption, else the keyboard word selection. */
  function currentSelection(): { captionId: string; start: number; end: number } | null {
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed && sel.rangeCount > 0) {
      for (const [captionId, el] of captionRefs.current) {
        if (el.contains(sel.anchorNode) && el.contains(sel.focusNode)) {
          const text = captions.find((c) => c.id === captionId)?.text ?? '';
          const r = trimRange(text, offsetIn(el, sel.anchorNode!, sel.anchorOffset), offsetIn(el, sel.focusNode!, sel.focusOffset));
          return r ? { captionId, ...r } : null;
        }
      }
    }
    if (kbSel) {
      const text = captions.find((c) => c.id === kbSel.captionId)?.text ?? '';
      const r = wordSelection(wordRanges(text), kbSel.anchor, kbSel.focus);
      return r ? { captionId: kbSel.captionId, ...r } : null;
    }
    return null;
  }

  const mayEdit = (s: Span) => s.origin === 'human' && (user?.role === 'admin' || (s.authorId !== null && s.authorId === userId));

  function onLabelKey(label: SpanLabel) {
    if (!mayAnnotate) return setError('labelling needs the annotator role');
    const range = currentSelection();
    if (range) {
      if (label === 'note') return setPendingNote({ ...range, spanId: null });
      void createSpan(range.captionId, range.start, range.end, label).catch(() => undefined);
      return;
    }
    if (selectedSpan) {
      if (!mayEdit(selectedSpan)) return setError(selectedSpan.origin === 'auto' ? 'an automatic span is accepted (a) or rejected (r); select its text to label it yourself' : `only ${selectedSpan.authorName || 'its author'} or an admin may relabel this span`);
      if (label === 'note') return setPendingNote({ captionId: selectedSpan.captionId, start: selectedSpan.start, end: selectedSpan.end, spanId: selectedSpan.id });
      void relabel(selectedSpan, label).catch(() => undefined);
      return;
    }
    setError('select some caption text first (mouse, or focus a caption and use the arrow keys)');
  }

  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keyHandler.current = (e: KeyboardEvent) => {
    if (pendingNote || isTyping(e.target) || e.altKey || e.metaKey) return;
    if (e.ctrlKey) {
      if (e.key === 'z' || e.key === 'Z') {
        e.preventDefault();
        void applyUndo();
      }
      return;
    }
    const label = LABEL_KEYS[e.key];
    if (label) {
      e.preventDefault();
      onLabelKey(label);
    } else if (e.key === 'j') go(1);
    else if (e.key === 'k') go(-1);
    else if (e.key === 'z') void applyUndo();
    else if ((e.key === 'Delete' || e.key === 'Backspace') && selectedSpan) {
      e.preventDefault();
      if (selectedSpan.origin === 'auto' && user?.role !== 'admin') setError('reject an automatic span (r) instead of deleting it');
      else if (selectedSpan.origin === 'human' && !mayEdit(selectedSpan)) setError(`only ${selectedSpan.authorName || 'its author'} or an admin may delete this span`);
      else void removeSpan(selectedSpan).catch(() => undefined);
    } else if ((e.key === 'a' || e.key === 'r') && selectedSpan?.origin === 'auto' && mayAnnotate) {
      void reviewMut.mutateAsync({ id: selectedSpan.id, status: e.key === 'a' ? 'accepted' : 'rejected' }).then(refresh);
    } else if (e.key === 'Escape') {
      setSelected(null);
      setKbSel(null);
      window.getSelection()?.removeAllRanges();
    }
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => keyHandler.current(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);

  function onCaptionKey(captionId: string, text: string, spans: Span[], e: ReactKeyboardEvent<HTMLDivElement>) {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight' && e.key !== 'Enter') return;
    e.preventDefault();
    const words = wordRanges(text);
    if (words.length === 0) return;
    const cur = kbSel?.captionId === captionId ? kbSel : null;
    if (e.key === 'Enter') {
      if (!cur) return;
      const w = words[cur.focus]!;
      const covering = spans.map((s, i) => (s.start < w.end && s.end > w.start ? i : -1)).filter((i) => i >= 0);
      const cur2 = selected ? spans.findIndex((s) => s.id === selected) : -1;
      const idx = spanAtClick(covering, spans, cur2 >= 0 ? cur2 : null);
      setSelected(idx === null ? null : spans[idx]!.id);
      return;
    }
    const step = e.key === 'ArrowRight' ? 1 : -1;
    if (!cur) {
      const start = step > 0 ? 0 : words.length - 1;
      setKbSel({ captionId, anchor: start, focus: start });
    } else {
      const focus = Math.max(0, Math.min(words.length - 1, cur.focus + step));
      setKbSel({ captionId, anchor: e.shiftKey ? cur.anchor : focus, focus });
    }
    setSelected(null);
  }

  // ----- rendering
  const clip = detail.data?.clip;
  const visibleBySource = (spans: Span[]) => visibleSpans(spans, show, userId);
  const sourceOptions = (sources.data ?? []).filter((s) => !clip || !s.benchmark || clip.benchmarks.includes(s.benchmark));
  const shownSourceIds = chosenSources ?? captions.map((c) => c.source.id);

  return (
    <div className="flex flex-col gap-4" data-testid="caption-compare">
      <div className="flex flex-wrap items-end gap-3 text-sm">
        <h1 className="mr-2 text-lg font-semibold">Captions</h1>
        <label className="flex flex-col gap-1 text-xs">
          Search id or text
          <input
            defaultValue={q}
            key={`q-${q}`}
            placeholder="e.g. 563 or “dog”"
            onKeyDown={(e) => {
              if (e.key === 'Enter') setParams({ q: (e.target as HTMLInputElement).value }, null);
            }}
            onBlur={(e) => e.target.value !== q && setParams({ q: e.target.value }, null)}
            className="h-8 w-56 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            data-testid="clip-search"
          />
        </label>
        <label className="flex flex-col gap-1 text-xs">
          Benchmark
          <select value={benchmark} onChange={(e) => setParams({ benchmark: e.target.value, subset: null }, null)} className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900" data-testid="filter-benchmark">
            <option value="">all</option>
            {(filters.data ?? []).map((b) => (
              <option key={b.benchmark} value={b.benchmark}>
                {b.benchmark} ({b.clips})
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs">
          Subset
          <select value={subset} onChange={(e) => setParams({ subset: e.target.value }, null)} className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900" data-testid="filter-subset">
            <option value="">all</option>
            {[...new Set((filters.data ?? []).filter((b) => !benchmark || b.benchmark === benchmark).flatMap((b) => b.subsets))].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1 text-xs">
          <input type="checkbox" checked={!captioned} onChange={(e) => setParams({ all: e.target.checked ? '1' : null }, null)} data-testid="filter-all" />
          also clips without model captions
        </label>
        <span className="ml-auto flex items-center gap-2">
          <Button size="sm" onClick={() => go(-1)} disabled={ids.length === 0 || position === 0} title="previous clip (k)" data-testid="clip-prev">
            ← k
          </Button>
          <span className="text-xs text-zinc-500" data-testid="clip-position">
            {ids.length === 0 ? 'no clip matches' : position >= 0 ? `${position + 1} / ${ids.length}${clips.data?.truncated ? '+' : ''}` : `not in the filtered list (${ids.length})`}
          </span>
          <Button size="sm" onClick={() => go(1)} disabled={ids.length === 0 || position === ids.length - 1} title="next clip (j)" data-testid="clip-next">
            j →
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setShowSources((v) => !v)} data-testid="toggle-sources-panel">
            {showSources ? 'Hide import' : 'Import captions…'}
          </Button>
        </span>
      </div>

      {showSources && (
        <Card title="Caption sources">
          <SourcesPanel />
        </Card>
      )}

      {(q || ids.length > 1) && clips.data && clips.data.items.length > 0 && (
        <details className="text-sm" open={!!q && !clipId}>
          <summary className="cursor-pointer text-xs text-zinc-500">matching clips ({ids.length})</summary>
          <ul className="mt-1 max-h-48 overflow-auto text-xs" data-testid="clip-results">
            {clips.data.items.map((c) => (
              <li key={c.id}>
                <Link href={compareClipHref(c.id, params)} className={`block truncate px-1 py-0.5 hover:bg-zinc-100 dark:hover:bg-zinc-800 ${c.id === clipId ? 'font-semibold' : ''}`}>
                  {c.id} {c.subset ? <span className="text-zinc-500">· {c.subset}</span> : null} — {c.snippet}
                </Link>
              </li>
            ))}
          </ul>
        </details>
      )}

      {!clipId && clips.data && ids.length === 0 && (
        <EmptyState
          data-testid="compare-empty"
          title="No clip matches"
          description={captioned ? 'No clip with model captions matches. Import a captions file (Import captions…), tick “also clips without model captions”, or change the filters.' : 'Change the filters.'}
        />
      )}
      {clipId && detail.error && <p className="text-sm text-red-600">Could not load clip {clipId}: {detail.error.message}</p>}

      {clip && (
        <>
          <div className="flex flex-wrap items-center gap-2">
            <h2 className="text-base font-semibold" data-testid="compare-clip-id">
              {clip.id}
            </h2>
            {clip.subset && <Badge>{clip.subset}</Badge>}
            {clip.benchmarks.map((b) => (
              <Badge key={b} tone="info">
                {b}
              </Badge>
            ))}
            {clip.durationSec ? <span className="text-xs text-zinc-500">{clip.durationSec.toFixed(1)} s</span> : null}
          </div>

          <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
            <div className="flex flex-col gap-3">
              {detail.data!.video.available ? (
                <video key={clip.id} controls preload="metadata" src={detail.data!.video.url!} className="w-full rounded bg-black" data-testid="clip-video" />
              ) : (
                <div className="flex h-40 items-center justify-center rounded border border-dashed border-zinc-300 p-4 text-center text-xs text-zinc-500 dark:border-zinc-700" data-testid="video-placeholder">
                  No video for this clip: {detail.data!.video.reason}
                </div>
              )}
            </div>
            <Card title="Reference (human)" data-testid="reference-card">
              <p className="whitespace-pre-wrap text-sm" data-testid="reference-caption">
                {clip.referenceCaption || <span className="italic text-zinc-500">(no reference caption)</span>}
              </p>
              {clip.events.length > 0 && (
                <>
                  <h4 className="mt-3 text-xs font-medium text-zinc-500">Human events</h4>
                  <ol className="ml-5 list-decimal text-sm" data-testid="reference-events">
                    {clip.events.map((e, i) => (
                      <li key={i}>{e}</li>
                    ))}
                  </ol>
                </>
              )}
            </Card>
          </div>

          <div className="flex flex-wrap items-center gap-3 text-xs">
            <span className="text-zinc-500">Sources:</span>
            {sourceOptions.map((s) => {
              const on = shownSourceIds.includes(s.id);
              return (
                <label key={s.id} className="flex items-center gap-1">
                  <input
                    type="checkbox"
                    checked={on}
                    data-testid="source-toggle"
                    data-source-name={s.label}
                    onChange={() => {
                      const next = on ? shownSourceIds.filter((x) => x !== s.id) : [...shownSourceIds, s.id];
                      setParams({ sources: next.join(',') || null });
                    }}
                  />
                  {s.label}
                  <span className="text-zinc-400">({s.kind})</span>
                </label>
              );
            })}
            <span className="ml-auto flex items-center gap-1" role="radiogroup" aria-label="which spans to show">
              {(['mine', 'everyone', 'auto'] as const).map((m) => (
                <Button key={m} size="sm" variant={show === m ? 'primary' : 'secondary'} onClick={() => setParams({ show: m === 'mine' ? null : m })} aria-pressed={show === m} data-testid={`show-${m}`}>
                  {m === 'mine' ? 'Mine' : m === 'everyone' ? "Everyone's" : 'Automatic'}
                </Button>
              ))}
            </span>
          </div>

          <Legend />
          {error && (
            <p className="text-sm text-red-600" role="alert" data-testid="compare-error">
              {error}
            </p>
          )}
          {selectedSpan && <SpanToolbar span={selectedSpan} mayEdit={mayEdit(selectedSpan)} mayReview={mayAnnotate && selectedSpan.origin === 'auto'} isAdmin={user?.role === 'admin'} onLabel={onLabelKey} onDelete={() => void removeSpan(selectedSpan).catch(() => undefined)} onReview={(status) => void reviewMut.mutateAsync({ id: selectedSpan.id, status }).then(refresh)} onKeep={() => void updateMut.mutateAsync({ id: selectedSpan.id, needsReview: false }).then(refresh)} />}

          {captions.length === 0 ? (
            <EmptyState title="No captions from the chosen sources for this clip" description="Pick other sources above, or import captions for this clip." />
          ) : (
            <div className="grid gap-3" style={{ gridTemplateColumns: `repeat(${Math.min(captions.length, 4)}, minmax(16rem, 1fr))`, overflowX: 'auto' }} data-testid="caption-columns">
              {captions.map((c) => {
                const spans = visibleBySource(c.spans as Span[]);
                const flags = predictionFlags(c.text);
                const subjects = c.think ? asThinkSubjects(c.think) : null;
                const review = (c.spans as Span[]).filter((s) => s.needsReview).length;
                return (
                  <Card key={c.id} title={c.source.model ?? c.source.name} data-testid="caption-column" data-source-name={c.source.model ?? c.source.name} className="min-w-0">
                    {c.think != null && <ThinkTable subjects={subjects} caption="Structured think" className="mb-2" />}
                    {review > 0 && (
                      <p className="mb-2 rounded bg-amber-50 p-1 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-200" data-testid="needs-review">
                        The caption text changed since {review} span(s) were made: check them (wavy underline), then keep or delete each.
                      </p>
                    )}
                    {flags.includes('empty-caption') ? (
                      <p className="text-sm italic text-zinc-500" data-testid="caption-empty">
                        (empty caption)
                      </p>
                    ) : flags.includes('error-caption') ? (
                      <p className="text-sm" data-testid="caption-error">
                        <Badge tone="danger">generation failed</Badge> <code className="text-xs">{c.text}</code>
                      </p>
                    ) : (
                      <AnnotatedCaption
                        ref={(el) => {
                          if (el) captionRefs.current.set(c.id, el);
                          else captionRefs.current.delete(c.id);
                        }}
                        captionId={c.id}
                        text={c.text}
                        spans={spans}
                        selectedSpanId={selected}
                        keyboardRange={kbSel?.captionId === c.id ? wordSelection(wordRanges(c.text), kbSel.anchor, kbSel.focus) : null}
                        onSelectSpan={(id) => {
                          setSelected(id);
                          setKbSel(null);
                        }}
                        onKeyDown={(e) => onCaptionKey(c.id, c.text, spans, e)}
                      />
                    )}
                    <p className="mt-2 text-right text-[10px] text-zinc-400">
                      {c.text.length.toLocaleString()} chars · {spans.length} span(s) shown
                    </p>
                  </Card>
                );
              })}
            </div>
          )}
          <AnalysisPanel
            clipId={clip.id}
            reference={clip.referenceCaption}
            captions={captions.map((c) => ({ id: c.id, text: c.text, source: c.source, spans: visibleBySource(c.spans as Span[]) }))}
            sources={sourceOptions.map((s) => ({ id: s.id, label: s.label }))}
            mayResearch={can('research')}
            mayAnnotate={mayAnnotate}
            onChanged={() => void refresh()}
          />
          <p className="text-xs text-zinc-500">
            Keys: select text, then <kbd>1</kbd> hallucination · <kbd>2</kbd> accurate · <kbd>3</kbd> unique detail · <kbd>4</kbd> note; click a span (again for an overlapping one) to relabel
            with 1–4 or delete (<kbd>Del</kbd>); <kbd>a</kbd>/<kbd>r</kbd> accept / reject an automatic span; <kbd>z</kbd> undo; <kbd>j</kbd>/<kbd>k</kbd> next / previous clip. Keyboard only: Tab
            to a caption, ←/→ select words (Shift extends), Enter selects the span there.
          </p>
        </>
      )}

      {pendingNote && (
        <NoteDialog
          onCancel={() => setPendingNote(null)}
          onSave={(note) => {
            const p = pendingNote;
            setPendingNote(null);
            const span = p.spanId ? spanById.get(p.spanId) : null;
            if (span) void relabel(span, 'note', note).catch(() => undefined);
            else void createSpan(p.captionId, p.start, p.end, 'note', note).catch(() => undefined);
          }}
        />
      )}
    </div>
  );
}

function Legend() {
  return (
    <div className="flex flex-wrap items-center gap-3 text-xs" data-testid="span-legend">
      {SPAN_LABELS.map((l, i) => (
        <span key={l} className="flex items-center gap-1">
          <kbd className="rounded border px-1">{i + 1}</kbd>
          <span style={{ borderBottom: `2px solid ${LABEL_COLORS[l].line}`, background: l === 'unique' ? LABEL_COLORS[l].bg : undefined }}>{LABEL_NAMES[l]}</span>
        </span>
      ))}
      <span className="text-zinc-500">paler line: automatic suggestion · wavy: caption changed, review</span>
    </div>
  );
}

function SpanToolbar({
  span,
  mayEdit,
  mayReview,
  isAdmin,
  onLabel,
  onDelete,
  onReview,
  onKeep,
}: {
  span: Span;
  mayEdit: boolean;
  mayReview: boolean;
  isAdmin: boolean;
  onLabel: (l: SpanLabel) => void;
  onDelete: () => void;
  onReview: (s: 'accepted' | 'rejected' | 'suggested') => void;
  onKeep: () => void;
}): ReactNode {
  const c = labelColor(span.label);
  return (
    <div className="flex flex-wrap items-center gap-2 rounded border border-blue-300 bg-blue-50 p-2 text-xs dark:border-blue-800 dark:bg-blue-950" data-testid="span-toolbar" data-label={span.label} data-span-id={span.id}>
      <span className={`rounded px-1.5 py-0.5 ${c.chip}`} data-testid="selected-span-label">
        {LABEL_NAMES[span.label as SpanLabel] ?? span.label}
      </span>
      <span className="max-w-md truncate">“{span.text}”</span>
      <span className="text-zinc-500">
        {span.origin === 'auto' ? `automatic (${span.status}${span.judgeModel ? `, judge ${span.judgeModel}${span.judgeKind ? ` [${span.judgeKind}]` : ''}` : ''})` : `by ${span.authorName || 'unknown'}`}
      </span>
      {span.claim && <span className="text-zinc-500">claim: {span.claim}</span>}
      {span.note && <span>note: {span.note}</span>}
      {span.needsReview && <Badge tone="warning">caption changed: review</Badge>}
      <span className="ml-auto flex items-center gap-1">
        {mayEdit &&
          SPAN_LABELS.map((l, i) => (
            <Button key={l} size="sm" onClick={() => onLabel(l)} data-testid={`relabel-${l}`}>
              {i + 1} {LABEL_NAMES[l]}
            </Button>
          ))}
        {mayEdit && span.needsReview && (
          <Button size="sm" onClick={onKeep} data-testid="span-keep">
            Keep
          </Button>
        )}
        {mayReview && (
          <>
            <Button size="sm" onClick={() => onReview('accepted')} disabled={span.status === 'accepted'} data-testid="span-accept">
              a Accept
            </Button>
            <Button size="sm" onClick={() => onReview('rejected')} disabled={span.status === 'rejected'} data-testid="span-reject">
              r Reject
            </Button>
          </>
        )}
        {(mayEdit || (isAdmin && span.origin === 'auto')) && (
          <Button size="sm" variant="danger" onClick={onDelete} data-testid="span-delete">
            Delete
          </Button>
        )}
      </span>
    </div>
  );
}

function NoteDialog({ onSave, onCancel }: { onSave: (note: string) => void; onCancel: () => void }) {
  const [note, setNote] = useState('');
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/30" role="dialog" aria-modal="true" aria-label="note comment">
      <form
        className="flex w-96 flex-col gap-2 rounded bg-white p-4 shadow dark:bg-zinc-900"
        onSubmit={(e) => {
          e.preventDefault();
          if (note.trim()) onSave(note.trim());
        }}
      >
        <label className="text-sm font-medium" htmlFor="span-note">
          Comment for this note
        </label>
        <input
          id="span-note"
          autoFocus
          value={note}
          onChange={(e) => setNote(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && onCancel()}
          className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-800"
          data-testid="span-note-input"
        />
        <div className="flex justify-end gap-2">
          <Button size="sm" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
          <Button size="sm" variant="primary" type="submit" disabled={!note.trim()} data-testid="span-note-save">
            Save note
          </Button>
        </div>
      </form>
    </div>
  );
}
