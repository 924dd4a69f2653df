// Lint exists here mainly to guard the layers (ARCHITECTURE.md): the pure layers may not touch
// I/O, clocks or randomness, and no layer may import one above it. VS Code keeps `common/` free of
// `node/` the same way.
import tseslint from 'typescript-eslint';

const NODE_IO = ['node:*', 'fs', 'fs/*', 'net', 'child_process', 'os', 'path', 'http', 'dgram', 'process', 'worker_threads', 'timers', 'timers/*', 'perf_hooks'];

// Which layers each pure layer must not import (relative paths resolve into these folders).
const ABOVE = {
  'src/i18n': ['model', 'formats', 'core', 'pcap', 'stack', 'sim', 'packetdrill', 'diagnose', 'node', 'cli', 'public'],
  'src/model': ['formats', 'core', 'pcap', 'stack', 'sim', 'packetdrill', 'diagnose', 'node', 'cli', 'public'],
  // The paste parsers read text into the vocabulary's types and nothing else: no engine, no rules.
  'src/formats': ['core', 'pcap', 'stack', 'sim', 'packetdrill', 'diagnose', 'node', 'cli', 'public'],
  'src/core': ['formats', 'pcap', 'stack', 'sim', 'packetdrill', 'diagnose', 'node', 'cli', 'public'],
  // Capture files: segments to and from wire bytes (pcapng), on the engine's Segment type.
  'src/pcap': ['formats', 'stack', 'sim', 'packetdrill', 'diagnose', 'node', 'cli', 'public'],
  'src/stack': ['formats', 'pcap', 'sim', 'packetdrill', 'diagnose', 'node', 'cli', 'public'],
  'src/sim': ['formats', 'packetdrill', 'diagnose', 'node', 'cli', 'public'],
  'src/packetdrill': ['formats', 'diagnose', 'node', 'cli', 'public'],
  'src/diagnose': ['sim', 'packetdrill', 'node', 'cli', 'public'],
};

const clockAndChance = [
  { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'The pure layers take `now` as an argument; never read the clock.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The pure layers take `now` as an argument; never read the clock.' },
  { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Randomness is injected and seeded (src/core/random.ts); never Math.random().' },
  { selector: "MemberExpression[object.name='performance'][property.name='now']", message: 'The pure layers take `now` as an argument; never read the clock.' },
];

const pureLayer = (dir) => ({
  files: [`${dir}/**/*.ts`],
  ignores: [`${dir}/**/*.test.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: NODE_IO, message: `${dir} is a pure layer: no I/O (see ARCHITECTURE.md).` },
        { group: ABOVE[dir].map((l) => `**/${l}/*`), message: `${dir} may not import a layer above it (see ARCHITECTURE.md).` },
      ],
    }],
    'no-restricted-globals': ['error',
      { name: 'setTimeout', message: 'Timers are data in the pure layers: return a deadline.' },
      { name: 'setInterval', message: 'Timers are data in the pure layers: return a deadline.' },
      { name: 'setImmediate', message: 'Timers are data in the pure layers: return a deadline.' },
      { name: 'process', message: 'The pure layers do not read the process environment.' },
      { name: 'fetch', message: 'The pure layers do no I/O.' },
      { name: 'Buffer', message: 'The pure layers run in a browser too: Uint8Array, TextEncoder and TextDecoder, not Node\'s Buffer.' },
    ],
    'no-restricted-syntax': ['error', ...clockAndChance],
  },
});

// The dashboard's page (`tcplens serve`) runs in a browser: it may import the pure public API
// (`src/public/index.ts`) and its own files (among them `messages.ts`, the typed contract with the
// server), nothing else of the library and nothing of Node.
const browserLayer = {
  files: ['src/web/**/*.ts'],
  ignores: ['src/web/**/*.test.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: NODE_IO, message: 'src/web runs in a browser: no Node modules.' },
        { regex: '^\\.\\./(?!public/index\\.js$)', message: 'src/web imports only the pure public API (../public/index.js) and its own files.' },
      ],
    }],
    'no-restricted-globals': ['error',
      { name: 'process', message: 'src/web runs in a browser: no process.' },
      { name: 'Buffer', message: 'src/web runs in a browser: Uint8Array, not Buffer.' },
      { name: 'require', message: 'src/web is an ES module bundled by esbuild.' },
    ],
  },
};

// The server side reaches the page only through the shared message types.
const pageContract = {
  files: ['src/node/**/*.ts', 'src/cli/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ regex: '/web/(?!messages\\.js$)', message: 'The server shares only src/web/messages.ts with the page.' }],
    }],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-debugger': 'error',
    },
  },
  ...Object.keys(ABOVE).map(pureLayer),
  browserLayer,
  pageContract,
);
