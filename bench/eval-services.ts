/**
 * Child process of bench/eval-db.ts: serves either the judge (an OpenAI-compatible server giving valid
 * AutoDQ replies after a fixed delay) or the app's route handlers (ingest API + judge cache over
 * PostgreSQL), and prints its URL as `URL <url>` on stdout. Separate processes, as in production.
 */
import { startOpenAIServer } from '../gpu-runner/testing/openai-server';
import { parsePythonStringList } from '../core/escore';
import { startTestApp } from '../server/testing/http-app';

const what = process.argv[2];
if (what === 'judge') {
  const delayMs = Number(process.argv[3] ?? 100);
  // Valid replies in the official formats, computed cheaply: the judge's own compute is not what is measured.
  const chat = (prompt: string): string => {
    if (prompt.startsWith('Given a video description')) {
      const items = parsePythonStringList(prompt.slice(prompt.lastIndexOf('\nEvents: ') + 9, prompt.lastIndexOf('\nOutput a JSON formed as:'))) ?? [];
      return JSON.stringify({ events: items.map((event, i) => ({ event, relationship: i % 3 === 2 ? 'neutral' : 'entailment', reason: 'bench' })) });
    }
    if (prompt.includes('Extract at most 10 key events')) return "{'events': ['a person walks', 'a person turns', 'a person waves']}";
    throw new Error('bench judge: unexpected prompt');
  };
  const server = await startOpenAIServer({ chat });
  server.delayNext(delayMs);
  console.log(`URL ${server.url}`);
} else if (what === 'app') {
  const app = await startTestApp();
  console.log(`URL ${app.url}`);
} else {
  console.error('usage: eval-services.ts judge <delayMs> | app');
  process.exit(2);
}
