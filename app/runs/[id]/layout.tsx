import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { RunLabelsProvider } from '../../../components/runs/RunLabels';
import { db } from '../../../server/db';

export const dynamic = 'force-dynamic';

/**
 * Checks the run exists before anything streams, so an unknown id answers with HTTP 404 (a
 * notFound() inside the page would come after loading.tsx's boundary has already sent 200).
 */
export default async function RunLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  const exists = await db().run.findUnique({ where: { id }, select: { id: true } });
  if (!exists) notFound();
  return <RunLabelsProvider runId={id}>{children}</RunLabelsProvider>;
}
