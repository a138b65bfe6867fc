'use client';

import { useState, type FormEvent } from 'react';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { FormError, TextField } from '../auth/fields';

function when(d: Date | string | null | undefined): string {
  return d ? new Date(d).toLocaleString() : '—';
}

/** The secret of a just-created token, shown once, with how to use it. */
export function NewSecret({ label, secret, usage, testId }: { label: string; secret: string; usage: string; testId: string }) {
  return (
    <div className="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-900 dark:bg-emerald-950" data-testid={`${testId}-box`}>
      <p className="font-medium">{label} — copy it now, it is not shown again:</p>
      <code className="mt-1 block break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-zinc-900" data-testid={testId}>
        {secret}
      </code>
      <pre className="mt-2 overflow-x-auto text-xs text-zinc-600 dark:text-zinc-400">{usage}</pre>
    </div>
  );
}

/** Personal API tokens: create (secret shown once), list with last use, revoke. */
export function ApiTokens() {
  const utils = api.useUtils();
  const tokens = api.apiToken.list.useQuery();
  const create = api.apiToken.create.useMutation({ onSuccess: () => utils.apiToken.list.invalidate() });
  const revoke = api.apiToken.revoke.useMutation({ onSuccess: () => utils.apiToken.list.invalidate() });
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    const r = await create.mutateAsync({ name, expiresInDays: days ? Number(days) : null }).catch(() => null);
    if (r) {
      setCreated(r.token);
      setName('');
    }
  };
  const origin = typeof window === 'undefined' ? '' : window.location.origin;

  return (
    <Card title="Personal API tokens" data-testid="api-tokens">
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        For scripts and the <code>videocap</code> CLI: <code>Authorization: Bearer &lt;token&gt;</code>, or <code>VIDEOCAP_API_TOKEN</code>. A token acts as you, with
        your role. Only a hash is stored.
      </p>
      <form onSubmit={submit} className="mb-3 flex flex-wrap items-end gap-3" data-testid="api-token-form">
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. laptop scripts" data-testid="api-token-name" />
        <TextField label="Expires in days (empty: never)" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value.replace(/\D/g, ''))} className="w-48" data-testid="api-token-days" />
        <Button type="submit" variant="primary" loading={create.isPending} data-testid="api-token-create">
          Create token
        </Button>
      </form>
      <FormError message={create.error?.message} testId="api-token-error" />
      {created && (
        <NewSecret
          label="New API token"
          secret={created}
          testId="api-token-secret"
          usage={`export VIDEOCAP_API_TOKEN=${created}\nnpx videocap launch --server ${origin} --name my-run`}
        />
      )}
      <table className="mt-3 w-full text-left text-sm" data-testid="api-token-table">
        <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
          <tr>
            <th className="py-1 pr-3">Name</th>
            <th className="py-1 pr-3">Token</th>
            <th className="py-1 pr-3">Created</th>
            <th className="py-1 pr-3">Last used</th>
            <th className="py-1 pr-3">Expires</th>
            <th className="py-1 pr-3">Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(tokens.data ?? []).map((t) => {
            const expired = t.expiresAt && new Date(t.expiresAt).getTime() <= Date.now();
            const status = t.revokedAt ? 'revoked' : expired ? 'expired' : 'active';
            return (
              <tr key={t.id} className="border-b border-zinc-100 dark:border-zinc-900" data-testid={`api-token-row-${t.name}`}>
                <td className="py-1 pr-3">{t.name}</td>
                <td className="py-1 pr-3 font-mono text-xs">{t.prefix}…</td>
                <td className="py-1 pr-3">{when(t.createdAt)}</td>
                <td className="py-1 pr-3" data-testid="api-token-last-used">{when(t.lastUsedAt)}</td>
                <td className="py-1 pr-3">{t.expiresAt ? when(t.expiresAt) : 'never'}</td>
                <td className="py-1 pr-3" data-testid="api-token-status">{status}</td>
                <td className="py-1 text-right">
                  {status === 'active' && (
                    <Button size="sm" variant="danger" onClick={() => revoke.mutate({ id: t.id })} loading={revoke.isPending && revoke.variables?.id === t.id} data-testid="api-token-revoke">
                      Revoke
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {tokens.data?.length === 0 && <p className="mt-2 text-sm text-zinc-500">No tokens yet.</p>}
    </Card>
  );
}
