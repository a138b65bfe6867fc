import type { InputHTMLAttributes } from 'react';
import { cn } from '../ui/cn';

/** A labelled text input with an optional error under it (account and admin forms). */
export function TextField({ label, error, className, ...rest }: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | null }) {
  return (
    <label className={cn('flex flex-col gap-1 text-sm', className)}>
      <span className="font-medium">{label}</span>
      <input
        {...rest}
        aria-invalid={error ? true : undefined}
        className={cn(
          'h-9 rounded-md border bg-white px-2 dark:bg-zinc-900',
          error ? 'border-red-500' : 'border-zinc-300 dark:border-zinc-700',
        )}
      />
      {error && <span className="text-xs text-red-600">{error}</span>}
    </label>
  );
}

export function FormError({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200" data-testid={testId}>
      {message}
    </p>
  );
}
