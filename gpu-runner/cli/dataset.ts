/**
 * `videocap dataset import|list`: training datasets through the public tRPC API (the same
 * procedures as the browser's /datasets page). Paths are read by the server, so they are paths on
 * the server's machine.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { apiToken } from './api-token';
import { callTrpc } from './trpc-http';

const USAGE = `usage:
  videocap dataset import --name NAME --videos DIR --captions FILE.jsonl [--description TEXT] [--no-probe] [--server URL]
  videocap dataset list [--server URL]

import: a folder of videos plus a captions JSONL, one {"video": "<path in DIR>", "caption": "…"} per line
(Tarsier2-Recap layout; optional "think": [{"subject","attributes","actions"}] and "duration"). Each video's
duration is probed with ffprobe unless --no-probe. Problems (bad line, caption without video, video without
caption, empty or unreadable file) are printed per clip; the good clips are imported as a "train" dataset.
Exit code 0 when the dataset was created (even with problems), 1 when nothing could be imported.
The server URL defaults to $VIDEOCAP_SERVER_URL or http://127.0.0.1:3000.`;

function trpc<T>(server: string, procedure: string, input: unknown, method: 'GET' | 'POST'): Promise<T> {
  return callTrpc<T>(server, procedure, input, { method, token: apiToken(), timeoutMs: 600_000 });
}

export async function runDatasetCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      videos: { type: 'string' },
      captions: { type: 'string' },
      description: { type: 'string' },
      'no-probe': { type: 'boolean' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || (sub !== 'import' && sub !== 'list')) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const server = values.server ?? process.env.VIDEOCAP_SERVER_URL ?? 'http://127.0.0.1:3000';
  try {
    if (sub === 'list') {
      const rows = await trpc<{ name: string; kind: string; clipCount: number; source: string }[]>(server, 'dataset.list', {}, 'GET');
      for (const d of rows) console.log(`${d.name}\t${d.kind}\t${d.clipCount} clips\t${d.source}`);
      return 0;
    }
    if (!values.name || !values.videos || !values.captions) {
      console.error(`dataset import needs --name, --videos and --captions\n\n${USAGE}`);
      return 2;
    }
    const r = await trpc<{ id: string; name: string; clips: number; problemCount: number; problems: { externalId: string; line: number | null; reason: string }[]; probed: number; reusedProbes: number }>(
      server,
      'dataset.import',
      { name: values.name, videoDir: path.resolve(values.videos), captionsPath: path.resolve(values.captions), description: values.description, probe: !values['no-probe'] },
      'POST',
    );
    for (const p of r.problems) console.error(`problem: ${p.reason}`);
    if (r.problemCount > r.problems.length) console.error(`… and ${r.problemCount - r.problems.length} more (see the dataset's import report)`);
    console.log(`imported dataset "${r.name}" (${r.id}): ${r.clips} clips, ${r.problemCount} problem(s); ${r.probed} probed, ${r.reusedProbes} durations reused`);
    return 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  }
}
