'use client';

import { useState, type FormEvent } from 'react';
import { NewSecret } from '../account/ApiTokens';
import { FormError, TextField } from '../auth/fields';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';

/** Runner tokens (ingest API): add a GPU node from the browser, see when each was last used, revoke. */
export function RunnerTokensAdmin() {
  const utils = api.useUtils();
  const tokens = api.runnerToken.list.useQuery();
  const create = api.runnerToken.create.useMutation({ onSuccess: () => utils.runnerToken.list.invalidate() });
  const revoke = api.runnerToken.revoke.useMutation({ onSuccess: () => utils.runnerToken.list.invalidate() });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const origin = typeof window === 'undefined' ? '' : window.location.origin;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    const r = await create.mutateAsync({ name }).catch(() => null);
    if (r) {
      setCreated(r.token);
      setName('');
    }
  };

  return (
    <Card title="Runner tokens" data-testid="runner-tokens">
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
        A runner (one per GPU node) reports to the ingest API with a runner token. Only a hash is stored. <code>VIDEOCAP_RUNNER_TOKEN</code> set on the server also
        works (not listed here).
      </p>
      <form onSubmit={submit} className="mb-3 flex items-end gap-3" data-testid="runner-token-form">
        <TextField label="Node name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. gpu-node-3" data-testid="runner-token-name" />
        <Button type="submit" variant="primary" loading={create.isPending} data-testid="runner-token-create">
          Create runner token
        </Button>
      </form>
      <FormError message={create.error?.message ?? revoke.error?.message} testId="runner-token-error" />
      {created && (
        <NewSecret
          label="New runner token"
          secret={created}
          testId="runner-token-secret"
          usage={`VIDEOCAP_SERVER_URL=${origin} VIDEOCAP_RUNNER_TOKEN=${created} REDIS_URL=redis://<server>:6379 \\\n  RUNNER_BACKENDS=swift RUNNER_GPUS=8 npx videocap runner`}
        />
      )}
      <table className="mt-3 w-full text-left text-sm" data-testid="runner-token-table">
        <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
          <tr>
            <th className="py-1 pr-3">Name</th>
            <th className="py-1 pr-3">Created</th>
            <th className="py-1 pr-3">Last used</th>
            <th className="py-1 pr-3">Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(tokens.data ?? []).map((t) => (
            <tr key={t.id} className="border-b border-zinc-100 dark:border-zinc-900" data-testid={`runner-token-row-${t.name}`}>
              <td className="py-1 pr-3">{t.name}</td>
              <td className="py-1 pr-3">{new Date(t.createdAt).toLocaleString()}</td>
              <td className="py-1 pr-3">{t.lastUsedAt ? new Date(t.lastUsedAt).toLocaleString() : '—'}</td>
              <td className="py-1 pr-3" data-testid="runner-token-status">{t.revokedAt ? 'revoked' : 'active'}</td>
              <td className="py-1 text-right">
                {!t.revokedAt && (
                  <Button size="sm" variant="danger" onClick={() => revoke.mutate({ id: t.id })} data-testid="runner-token-revoke">
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
