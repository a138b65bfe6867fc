import { redirect } from 'next/navigation';

/** `/runs`: the runs list lives at `/` (the header's "Runs"). */
export default function RunsIndexPage(): never {
  redirect('/');
}
