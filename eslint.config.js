// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Lint for the house rules (shared/STYLE.md): type-checked typescript-eslint,
 * exhaustive switches, the hooks rules in the client, and the import
 * boundaries between client/, server/ and the pure core in shared/.
 * Formatting is Prettier's job (.prettierrc.json), not ESLint's.
 */

/** Node's own modules, bare and `node:`-prefixed: the file system, network, processes, crypto, timers. */
const nodeModules = builtinModules.filter((m) => !m.startsWith('_'));

/** Packages only the server may load: the database, the web server, logging, cron, metrics, files. */
const serverPackages = ['better-sqlite3', 'drizzle-orm', 'express', 'helmet', 'cookie', 'pino', 'pino-pretty', 'node-cron', 'prom-client', 'csv-parse', 'cli-progress', 'tsx'];

/** A relative import that climbs out of the file's top folder into client/ or server/ (no folder of those names exists inside shared/ or client/). */
const topFolder = (name) => `^(\\.\\./)+${name}(/|$)`;

export default defineConfig(
  {
    ignores: ['dist/', 'storybook-static/', 'e2e/artifacts/', 'data/', 'server/db/migrations/'],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // STYLE.md rule 9: a switch over a union covers every member (the house ends it in assertNever)
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Callbacks and store actions are declared as properties (`onChange: (v: string) => void`), not as methods: a method
      // type says it needs its object as `this`, which makes every destructured prop and zustand selector an
      // unbound-method error, and method parameters escape strictFunctionTypes
      '@typescript-eslint/method-signature-style': ['error', 'property'],
      // A leading underscore marks a binding kept on purpose: Express's four-argument error handler, a rest-destructure that drops keys
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Numbers in text (`${n} contacts`) are everyday here; null, undefined, booleans and objects stay errors
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowAny: false, allowBoolean: false, allowNullish: false, allowRegExp: false, allowNever: false }],
      // `String(v)` prints values of unknown type on purpose (traits, zod issue paths, a diff JSON could not print); after a
      // null check TypeScript calls such a value `{}`, which the rule, unlike plain `unknown`, would flag
      '@typescript-eslint/no-base-to-string': ['error', { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', '{}'] }],
      // Text is counted and cut per code point on purpose (SMS units, push lengths; see shared/templates/sms.ts), which is
      // what `[...text]` does; spreading a promise, function, Map or class instance stays an error
      '@typescript-eslint/no-misused-spread': ['error', { allow: ['string'] }],
      // `onClick={() => setOpen(false)}` and `() => void promise` are the house's arrows; braces around each would add nothing
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Much of the code guards values whose declared types are narrower than what arrives at run time (Handlebars' AST
      // `hash`, JSON.stringify's undefined, DOM textContent, flags set in callbacks that TypeScript narrows to `false`):
      // the rule would have those guards removed, which changes behaviour for the worse
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // With noUncheckedIndexedAccess an element known to exist needs an assertion either way; `x!` and the house's
      // `x as T` say the same thing, and banning one only trades it for the other
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Providers, fakes and config hooks implement Promise-returning interfaces with `async` and no `await`: the keyword
      // is what turns a throw into a rejection, which callers (the dispatcher's lanes) rely on
      '@typescript-eslint/require-await': 'off',
      // Traits, node configs and event properties are JSON records (Record<string, unknown>), stored and sent as JSON:
      // dropping a key is what `delete` is for, where the rule would have a Map converted back and forth
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  {
    // Vitest's asymmetric matchers (`expect.any(String)`, `expect.stringContaining(…)`) are typed `any`, so every object
    // that holds one is an "unsafe assignment"; the other no-unsafe-* rules still hold in tests
    files: ['**/*.test.{ts,tsx}'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // The few plain-JavaScript files (worker entries, the Storybook smoke check, this file) are outside tsconfig.json
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat['recommended-latest']],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // Three of the React Compiler's rules misjudge this app, which does not use the Compiler: `purity` forbids reading
      // the clock while rendering, which RelativeTime and the write-key notice do on purpose (they show time as of the
      // render); `static-components` takes any component returned by a call (paletteIcon(key), a lookup of lucide's
      // module-level icons) for one made during render; `set-state-in-effect` flags ScalarInput keeping its text in step
      // with a value changed from outside, whose render-time alternative would loop on values rebuilt each render
      'react-hooks/purity': 'off',
      'react-hooks/static-components': 'off',
      'react-hooks/set-state-in-effect': 'off',
      // The client talks to the server over HTTP only: it may name the API's types (`import type { AppRouter }`), never load server code
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: topFolder('server'), allowTypeImports: true, message: 'client/ runs in the browser: import only types from server/ (`import type`).' }] },
      ],
    },
  },
  {
    // STYLE.md rule 2, the core is pure: shared/ imports nothing from client/ or server/ (its tests included)
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: `${topFolder('client')}|${topFolder('server')}`, message: 'shared/ is the core that client/ and server/ build on: it imports neither.' }],
        },
      ],
    },
  },
  {
    // ...and its code (not its tests) never reads the clock, draws randomness, or does I/O: it runs inside `step` and in the browser
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeModules, ...serverPackages].map((name) => ({ name, message: 'shared/ is pure: no I/O, processes, crypto or server packages (STYLE.md rule 2).' })),
          patterns: [
            { regex: '^node:', message: 'shared/ is pure: no Node modules (STYLE.md rule 2).' },
            { regex: `^(${[...nodeModules, ...serverPackages].map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})/`, message: 'shared/ is pure: no I/O or server packages (STYLE.md rule 2).' },
            { regex: `${topFolder('client')}|${topFolder('server')}`, message: 'shared/ is the core that client/ and server/ build on: it imports neither.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'shared/ is pure: take `now` as an argument (ctx.now) instead of reading the clock.' },
        { object: 'Math', property: 'random', message: 'shared/ is pure: take a seeded `rng` as an argument (ctx.rng) instead.' },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'require', 'performance', 'crypto', 'globalThis', 'window', 'document', 'navigator', 'localStorage', 'sessionStorage'].map((name) => ({
          name,
          message: `shared/ is pure: no \`${name}\` (the clock, randomness, the process or I/O); pass what you need in as an argument.`,
        })),
        ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource'].map((name) => ({
          name,
          message: `shared/ is pure: no \`${name}\`. Time is a stored wakeAt and effects are data (STYLE.md rules 3 and 4).`,
        })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'shared/ is pure: no `new Date` (it reads the clock without arguments); use epoch milliseconds, Date.parse or TZDate.' },
        { selector: "CallExpression[callee.name='Date']", message: 'shared/ is pure: `Date()` reads the clock.' },
        { selector: 'ImportExpression', message: 'shared/ is pure: no dynamic import(); import statically so the boundary rules see it.' },
      ],
    },
  },
);
