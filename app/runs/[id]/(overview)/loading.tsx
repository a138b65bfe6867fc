export default function Loading() {
  return <p className="text-sm text-zinc-500" data-testid="run-loading">Loading run…</p>;
}
