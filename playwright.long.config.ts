// Long browser runs that are benches, not tests (`npm run bench:recipe`): the same setup as
// playwright.config.ts, for e2e/*.long.ts only, with hours allowed per run.
import base from './playwright.config';

export default {
  ...base,
  projects: [{ name: 'long' }],
  testMatch: '**/*.long.ts',
  timeout: 8 * 3600_000,
};
