/** Wires a runner's backends, reward service and datasets from the environment. */
import path from 'node:path';
import type { ClipRecord, BackendName } from '../core/types';
import type { Backend } from './report';
import type { RewardService } from './rewards/types';
import { createLocalBackend } from './backends/local';
import { createSwiftBackend } from './backends/swift/backend';
import { loadDream1k } from './datasets/dream1k';
import { createRewardServiceFromEnv } from './rewards/service';
import { curationApi } from './curation/api';
import type { ServerClient } from './server-client';

export async function createRewardService(env: Record<string, string | undefined> = process.env): Promise<RewardService> {
  return createRewardServiceFromEnv(env);
}

export async function createBackends(names: BackendName[], rewardService: RewardService): Promise<Partial<Record<BackendName, Backend>>> {
  const out: Partial<Record<BackendName, Backend>> = {};
  for (const n of names) {
    if (n === 'local') out.local = createLocalBackend({ rewardService });
    if (n === 'swift') out.swift = createSwiftBackend({ rewardService });
  }
  return out;
}

const cache = new Map<string, Promise<ClipRecord[]>>();

/** DREAM-1K's video files are `<vid>.mp4`; VIDEO_ROOT says where they are on this node. */
function withVideos(clips: ClipRecord[], videoRoot: string | undefined): ClipRecord[] {
  if (!videoRoot) return clips;
  return clips.map((c) => ({ ...c, videoPath: path.join(videoRoot, `${c.id.split('/').pop()}.mp4`) }));
}

/**
 * Datasets a runner can train on, by name. "dream-1k" ships with the repository (annotations only;
 * set VIDEO_ROOT on GPU nodes so the swift backend finds the videos). Any other name (or id) is read
 * from the server — imported and curated training datasets, with their think annotations and video
 * paths — when `remote` is given (the runner passes the ingest API's dataset reader).
 */
export function loadDataset(
  name: string,
  env: Record<string, string | undefined> = process.env,
  remote?: (nameOrId: string) => Promise<ClipRecord[]>,
): Promise<ClipRecord[]> {
  const key = `${name}\u0000${env.VIDEO_ROOT ?? ''}`;
  let p = cache.get(key);
  if (!p) {
    if (name === 'dream-1k') p = Promise.resolve(withVideos(loadDream1k({}), env.VIDEO_ROOT));
    else if (/^dream-1k:\d+$/.test(name)) p = Promise.resolve(withVideos(loadDream1k({ limit: Number(name.split(':')[1]) }), env.VIDEO_ROOT));
    else if (remote) return remote(name);
    else return Promise.reject(new Error(`unknown dataset "${name}" (known here: dream-1k, dream-1k:<N first clips>; others are read from the server)`));
    cache.set(key, p);
  }
  return p;
}

/** The server's copy of a dataset as ClipRecords (its think annotations and video paths kept). */
export async function loadServerDataset(client: ServerClient, nameOrId: string): Promise<ClipRecord[]> {
  const { dataset, clips } = await curationApi(client).datasetClips(nameOrId);
  if (clips.length === 0) throw new Error(`dataset "${dataset.name}" has no clips`);
  return clips.map(({ thinkSource: _source, ...c }) => c);
}
