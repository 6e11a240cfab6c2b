import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The folders of src/ and, for each, the folders it may import (README: Layout). Every arrow
 * points down: the table is acyclic, and `npm run check:cycles` checks that the modules are too.
 * Only the self-check (and the tests, outside src/) may import the float64 references.
 */
export const LAYERS = {
  util: [],
  model: [],
  reference: ['model'],
  gpu: ['model', 'util'],
  io: ['model', 'util'],
  charts: ['util'],
  data: ['model', 'util'],
  sae: ['gpu', 'io', 'model', 'util'],
  checkpoint: ['io', 'model', 'sae', 'util'],
  selfcheck: ['gpu', 'model', 'reference', 'sae', 'util'],
  workers: ['checkpoint', 'data', 'gpu', 'io', 'model', 'sae', 'selfcheck', 'util'],
  store: ['gpu', 'io', 'model', 'sae', 'util', 'workers'],
  session: ['charts', 'gpu', 'io', 'model', 'store', 'util', 'workers'],
  export: ['charts', 'session', 'store', 'util'],
  components: [
    'charts',
    'data',
    'export',
    'io',
    'model',
    'sae',
    'session',
    'store',
    'util',
    'workers',
  ],
};

/** Deepest file below a folder of src/ that the rules reach (src/components/train/x.tsx is 2). */
const MAX_DEPTH = 4;

/**
 * One `no-restricted-imports` block per folder and depth: a relative import that climbs exactly
 * to src/ and enters a folder outside the folder's list is an error. The entry files directly in
 * src/ (main.tsx) may import any folder.
 */
function layerRules() {
  const folders = Object.keys(LAYERS);
  const blocks = [];
  for (const [folder, allowed] of Object.entries(LAYERS)) {
    const banned = folders.filter((f) => f !== folder && !allowed.includes(f));
    if (banned.length === 0) continue;
    const message = allowed.length
      ? `src/${folder} may import only src/{${allowed.join(', ')}} (README: Layout).`
      : `src/${folder} imports no other folder of src/ (README: Layout).`;
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      blocks.push({
        files: [`src/${folder}/${'*/'.repeat(depth - 1)}*.{ts,tsx}`],
        rules: {
          'no-restricted-imports': [
            'error',
            { patterns: [{ regex: `^(\\.\\./){${depth}}(${banned.join('|')})(/|$)`, message }] },
          ],
        },
      });
    }
  }
  return blocks;
}

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-cli/',
      'dist-bench-node/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Token text is untrusted: render as text.',
        },
      ],
    },
  },
  ...layerRules(),
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
