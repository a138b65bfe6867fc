'use client';

import { useState } from 'react';

/**
 * A few frames of a clip, evenly spaced, extracted by the server with ffmpeg (/api/frames).
 * `query` selects the clip: `run=<id>&ordinal=<n>` (curate run) or `clip=<clip id>` (dataset).
 */
export function FrameStrip({ query, count = 4, label }: { query: string; count?: number; label?: string }) {
  const [failed, setFailed] = useState<Record<number, boolean>>({});
  return (
    <div className="flex flex-wrap gap-2" data-testid="frame-strip" aria-label={label ?? 'frames'}>
      {Array.from({ length: count }, (_, i) =>
        failed[i] ? (
          <div key={i} className="flex h-20 w-32 items-center justify-center rounded border border-dashed border-zinc-300 text-xs text-zinc-500 dark:border-zinc-700">
            no frame
          </div>
        ) : (
          // eslint-disable-next-line @next/next/no-img-element -- served by our own route, no optimisation wanted
          <img
            key={i}
            src={`/api/frames?${query}&i=${i}&n=${count}`}
            alt={`frame ${i + 1} of ${count}`}
            className="h-20 w-auto rounded border border-zinc-200 dark:border-zinc-800"
            data-testid="frame-strip-image"
            onError={() => setFailed((f) => ({ ...f, [i]: true }))}
          />
        ),
      )}
    </div>
  );
}
