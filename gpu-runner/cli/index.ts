/**
 * `videocap <command>`: the researcher's scripting entry point. Each command lives in its own
 * module and exports `run<Name>Command(argv): Promise<number>` (the exit code).
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<(argv: string[]) => Promise<number>> }> = {
  score: {
    summary: 'score completions (format, Tscore, Escore, CNscore) from JSONL',
    load: async () => (await import('./score')).runScoreCommand,
  },
  eval: {
    summary: 'score predictions on DREAM-1K, VDC or CAREBENCH (official metrics, judge from JUDGE_*)',
    load: async () => (await import('./eval')).runEvalCommand,
  },
  import: {
    summary: 'create a run from an ms-swift / TRL / verl output folder',
    load: async () => (await import('./import')).runImportCommand,
  },
  runner: {
    summary: 'start a GPU runner (consumes jobs from Redis, reports to the server)',
    load: async () => (await import('./runner')).runRunnerCommand,
  },
  dataset: {
    summary: 'import a training dataset (videos folder + captions JSONL) or list datasets',
    load: async () => (await import('./dataset')).runDatasetCommand,
  },
  'import-captions': {
    summary: 'import a captions file (one model, or the multi-model DREAM-1K format) for /compare/clips',
    load: async () => (await import('./import-captions')).runImportCaptionsCommand,
  },
  launch: {
    summary: 'launch a run on the server (same as the tRPC run.launch)',
    load: async () => (await import('./launch')).runLaunchCommand,
  },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`);
  return `usage: videocap <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "videocap <command> --help" for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage());
    return command ? 0 : 1;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    console.error(`videocap: unknown command "${command}"\n\n${usage()}`);
    return 2;
  }
  const run = await entry.load();
  try {
    return await run(rest);
  } catch (e) {
    // A person reads this: the message, not a stack trace (VIDEOCAP_DEBUG=1 shows the stack).
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      console.error(`videocap ${command}: ${(e as Error).message}\nRun "videocap ${command} --help" for its options.`);
      return 2;
    }
    console.error(`videocap ${command}: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.VIDEOCAP_DEBUG && e instanceof Error) console.error(e.stack);
    return 1;
  }
}
