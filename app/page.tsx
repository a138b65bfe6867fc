import { IfCan } from '../components/auth/SessionProvider';
import { RunsList } from '../components/runs/RunsList';

export default function HomePage() {
  return (
    <section>
      <div className="mb-4 flex items-baseline justify-between">
        <h1 className="text-xl font-semibold">Experiments and runs</h1>
        <IfCan capability="research">
          <a href="/runs/new" className="rounded bg-zinc-900 px-3 py-1.5 text-sm text-white dark:bg-zinc-100 dark:text-zinc-900" data-testid="launch-run-button">
            Launch a run
          </a>
        </IfCan>
      </div>
      <RunsList />
    </section>
  );
}
