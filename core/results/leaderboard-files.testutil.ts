/** Test helper: the shipped leaderboard files (data/leaderboards/) as `leaderboardRows` takes them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LeaderboardFiles } from './reported';

const root = path.resolve(__dirname, '../..');
export function leaderboardFiles(): LeaderboardFiles {
  return {
    dream1kCsv: readFileSync(path.join(root, 'data/leaderboards/dream1k_leaderboard_partial.csv'), 'utf8'),
    carebenchCsv: readFileSync(path.join(root, 'data/leaderboards/carebench_captioning_leaderboard.csv'), 'utf8'),
    groups: JSON.parse(readFileSync(path.join(root, 'data/leaderboards/groups.json'), 'utf8')),
  };
}
