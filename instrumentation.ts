// Runs once when the Next.js server starts: a missing or malformed environment variable stops start-up
// with a message naming it and the expected form.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { env, EnvError } = await import('./server/env');
    try {
      env();
    } catch (e) {
      if (e instanceof EnvError) {
        console.error(`\nVideoCap Studio cannot start.\n${e.message}\n`);
        process.exit(1);
      }
      throw e;
    }
    // No run stays "running" forever: runs whose runner or importer went silent move to failed.
    const { db } = await import('./server/db');
    const { startHousekeeping } = await import('./server/services/housekeeping');
    startHousekeeping(db, env().RUN_LOST_CONTACT_MS);
  }
}
