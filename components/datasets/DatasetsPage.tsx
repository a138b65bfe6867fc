'use client';

/** /datasets: every dataset (benchmarks and training data) and the import form for training data. */
import { TRPCClientError } from '@trpc/client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { AppRouter } from '../../server/api/root';
import { api } from '../providers/trpc';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';

const input = 'w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900';

function ImportForm() {
  const router = useRouter();
  const [form, setForm] = useState({ name: '', videoDir: '', captionsPath: '', description: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const utils = api.useUtils();
  const imp = api.dataset.import.useMutation();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setMessage(null);
    try {
      const r = await imp.mutateAsync(form);
      await utils.dataset.list.invalidate();
      router.push(`/datasets/${r.id}`);
    } catch (error) {
      const fe = error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.fieldErrors : null;
      if (fe && Object.keys(fe).length) setErrors(fe);
      else setMessage(error instanceof Error ? error.message : String(error));
    }
  };
  const field = (key: keyof typeof form, label: string, placeholder: string, hint?: string) => (
    <label className="flex flex-col gap-1 text-sm">
      <span className="font-medium">{label}</span>
      <input className={input} value={form[key]} placeholder={placeholder} data-testid={`import-${key}`} onChange={(e) => setForm((f) => ({ ...f, [key]: e.target.value }))} />
      {hint && <span className="text-xs text-zinc-500">{hint}</span>}
      {errors[key] && (
        <span className="text-xs text-red-600" data-testid={`import-error-${key}`}>
          {errors[key]}
        </span>
      )}
    </label>
  );
  return (
    <form onSubmit={onSubmit} className="grid grid-cols-1 gap-3 md:grid-cols-2" data-testid="import-form">
      {field('name', 'Name', 'my-train-set')}
      {field('description', 'Description (optional)', '')}
      {field('videoDir', 'Videos folder', '/data/videos', "A path on the server's machine, searched recursively.")}
      {field('captionsPath', 'Captions JSONL', '/data/captions.jsonl', 'One {"video", "caption", "think"?} per line (Tarsier2-Recap layout).')}
      <div className="flex items-center gap-3 md:col-span-2">
        <Button type="submit" variant="primary" loading={imp.isPending} data-testid="import-submit">
          Import training dataset
        </Button>
        {message && <span className="text-sm text-red-600" data-testid="import-error-form">{message}</span>}
      </div>
    </form>
  );
}

export function DatasetsPage() {
  const list = api.dataset.list.useQuery({});
  return (
    <div className="flex flex-col gap-4">
      <Card title="Datasets" flush>
        {list.isLoading ? (
          <p className="p-3 text-sm text-zinc-500">Loading…</p>
        ) : (
          <table className="w-full text-left text-sm" data-testid="datasets-table">
            <thead className="text-xs uppercase text-zinc-500">
              <tr>
                <th className="px-3 py-1">Name</th>
                <th className="px-3 py-1">Kind</th>
                <th className="px-3 py-1 text-right">Clips</th>
                <th className="px-3 py-1">Source</th>
                <th className="px-3 py-1">Created</th>
              </tr>
            </thead>
            <tbody>
              {(list.data ?? []).map((d) => (
                <tr key={d.id} className="border-t border-zinc-100 dark:border-zinc-800" data-testid={`dataset-row-${d.name}`}>
                  <td className="px-3 py-1">
                    <Link className="font-medium hover:underline" href={`/datasets/${d.id}`}>
                      {d.name}
                    </Link>
                  </td>
                  <td className="px-3 py-1">
                    {d.kind === 'benchmark' ? <Badge tone="warning">benchmark (evaluation data)</Badge> : <Badge tone="success">train</Badge>}
                  </td>
                  <td className="px-3 py-1 text-right tabular-nums">{d.clipCount}</td>
                  <td className="px-3 py-1 text-xs text-zinc-500">
                    {d.sourceRun ? (
                      <>
                        curate run{' '}
                        <Link className="underline" href={`/curate/${d.sourceRun.id}`}>
                          {d.sourceRun.name}
                        </Link>
                      </>
                    ) : (
                      d.source
                    )}
                  </td>
                  <td className="px-3 py-1 text-zinc-500">{new Date(d.createdAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Import a training dataset">
        <ImportForm />
      </Card>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Or from a terminal: <code>npx videocap dataset import --name NAME --videos DIR --captions FILE.jsonl</code>. To select dynamic, diverse clips
        first, launch a <Link className="underline" href="/curate">curate run</Link>.
      </p>
    </div>
  );
}
