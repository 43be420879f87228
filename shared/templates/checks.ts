import Handlebars from 'handlebars';
import type { Channel, MessageCategory } from '../journey/channels';
import { hasOptOutLine } from './meta';
import { linkFaultEnglish, linkTargetFault } from './linkTargets';

/**
 * Static checks on message copy, run live in the template editor and again
 * before a template version is saved: mistakes a copywriter can see without
 * rendering for a contact (a typo in a variable, a helper that does not exist,
 * a marketing SMS without its opt-out line, a link whose clicks would not be
 * attributed, a tracked link to another scheme or a host not on the allow-list).
 *
 * Positions follow what people read in an editor: `line` and `column` both
 * start at 1, and columns count UTF-16 code units (as JS strings, CodeMirror
 * and Monaco do), so a character after an emoji is one column further right
 * than it looks.
 */
export interface TemplateIssue {
  severity: 'error' | 'warning';
  code: 'syntax' | 'unknown_variable' | 'unknown_helper' | 'missing_opt_out' | 'untracked_link' | 'link_target';
  message: string;
  variant?: string;
  part?: string;
  /** the language of the copy at fault, when it is not the template's own */
  locale?: string;
  line?: number;
  column?: number;
  /** the variable, helper or URL at fault */
  name?: string;
  /** an unknown variable read with a fallback ({{default x "…"}}): the fallback always shows */
  defaulted?: boolean;
  /**
   * The finding's params, for the reader's language (issue 18): a syntax
   * error's `detail` (the parser's own words, quoted), a link target's `fault`
   * ('not_url' | 'scheme' | 'host' | 'from_variable') with its `target`,
   * `scheme`, `host` and `hosts`.
   */
  params?: Record<string, string>;
}

/** Helpers the renderer registers (server/templates/render.ts). */
export const templateHelpers = ['link', 'money', 'date', 'default'] as const;

/** Handlebars' own helpers, always available. */
const builtinHelpers = ['if', 'unless', 'each', 'with', 'lookup', 'log'] as const;
const knownHelpers: ReadonlySet<string> = new Set([...templateHelpers, ...builtinHelpers]);
const helperList = [...templateHelpers, ...builtinHelpers].join(', ');

/** Block helpers whose body runs against another context: names read there are not the contact's traits. */
const contextChanging: ReadonlySet<string> = new Set(['each', 'with']);

/**
 * Where a bare URL is a link someone clicks, so it must go through `{{link}}`
 * to carry UTM tags (DOMAIN.md: "tag every link"). A voice script is spoken and
 * a webhook payload's URLs are endpoints, not links a contact clicks.
 */
const clickableChannels = { sms: true, push: true, email: true, voice: false, webhook: false, agent_call: false } as const satisfies Record<Channel, boolean>;

/** A URL in copy; stops at whitespace, quotes, braces and CJK or full-width punctuation. */
const urlPattern = /https?:\/\/[^\s"'<>`{}|\\^\u3000-\u303f\uff00-\uffef]+/gi;

type Program = hbs.AST.Program;
type Expression = hbs.AST.Expression;
type Path = hbs.AST.PathExpression;
type Call = { params: Expression[]; hash?: hbs.AST.Hash };
interface Position {
  line: number;
  column: number;
}
interface Scope {
  /** inside `each` / `with`: names are read from another object */
  otherContext: boolean;
  blockParams: ReadonlySet<string>;
}

interface CheckTemplateInput {
  channel: Channel;
  category: MessageCategory;
  variants: { key: string; parts: Record<string, string>; locales?: Partial<Record<string, Record<string, string>>> | undefined }[];
  /** the template's declared variables (meta.json `variables`) */
  knownVariables: readonly string[];
  /** hosts `{{link}}` may point at (the workspace's allow-list); absent or empty: any http(s) host */
  linkHosts?: readonly string[] | undefined;
}

/**
 * Every issue in every variant and part, in document order within a part.
 * Errors block saving a version; warnings are shown but allowed.
 */
export function checkTemplate(input: CheckTemplateInput): TemplateIssue[] {
  const known = new Set(input.knownVariables);
  const issues: TemplateIssue[] = [];
  for (const variant of input.variants) {
    // the template's own copy, then the same checks on each other language's
    const copies: [string | undefined, Record<string, string>][] = [
      [undefined, variant.parts],
      ...Object.entries(variant.locales ?? {}).map(([l, parts]): [string, Record<string, string>] => [l, parts ?? {}]),
    ];
    for (const [locale, parts] of copies) {
      const where = { variant: variant.key, ...(locale ? { locale } : {}) };
      let body: Parsed | undefined;
      for (const [part, source] of Object.entries(parts)) {
        const at = { ...where, part };
        const parsed = parseTemplate(source);
        if (part === 'body') body = parsed;
        if (!parsed.ok) {
          issues.push({ ...parsed.issue, ...at });
          continue;
        }
        const found: TemplateIssue[] = [];
        walk(
          parsed.ast,
          { otherContext: false, blockParams: new Set() },
          { known, linksTracked: clickableChannels[input.channel], linkHosts: input.linkHosts ?? [], report: (i) => found.push({ ...i, ...at }) },
        );
        issues.push(...found);
      }
      if (input.channel === 'sms' && input.category === 'marketing') {
        const issue = optOutIssue(parts.body ?? '', body ?? parseTemplate(''));
        if (issue) issues.push({ ...issue, ...where, part: 'body' });
      }
    }
  }
  return issues;
}

type Parsed = { ok: true; ast: Program } | { ok: false; issue: TemplateIssue };

function parseTemplate(source: string): Parsed {
  try {
    return { ok: true, ast: Handlebars.parse(source) };
  } catch (e) {
    return { ok: false, issue: syntaxIssue(source, e) };
  }
}

/**
 * Handlebars reports errors two ways: its own Exception (mismatched blocks)
 * carries `lineNumber` and a 0-based `column`; the generated parser only
 * writes "Parse error on line N" and an excerpt with a caret, from which
 * `locateInExcerpt` recovers the column.
 */
function syntaxIssue(source: string, e: unknown): TemplateIssue {
  const err = (e ?? {}) as { message?: unknown; lineNumber?: unknown; column?: unknown };
  const raw = typeof err.message === 'string' ? err.message : String(e);
  const rows = raw.split('\n');
  const detail = (/^(Parse|Lexical) error/.test(raw) ? rows[rows.length - 1] : rows[0])?.replace(/ - \d+:\d+$/, '') ?? raw;
  const base = { severity: 'error', code: 'syntax', message: `Handlebars cannot read this: ${detail}`, params: { detail } } as const;
  if (typeof err.lineNumber === 'number') {
    return { ...base, line: err.lineNumber, ...(typeof err.column === 'number' ? { column: err.column + 1 } : {}) };
  }
  return { ...base, ...locateInExcerpt(source, raw) };
}

/**
 * The parser's excerpt is the 20 characters before the offending token (with
 * line breaks dropped, "..." in front when cut) and a caret under the token.
 * The column is where the source, line breaks dropped, ends with that text
 * and continues with what follows the caret: first on the reported line, then
 * anywhere (a multi-line token reports the line it ends on).
 */
function locateInExcerpt(source: string, message: string): Partial<Position> {
  const lineMatch = /error on line (\d+)/.exec(message);
  if (!lineMatch) return {};
  const line = Number(lineMatch[1]);
  const rows = message.split('\n');
  const caretRow = rows.findIndex((r, i) => i > 0 && /^-*\^$/.test(r));
  const excerpt = rows[caretRow - 1];
  const caret = rows[caretRow];
  if (caretRow < 1 || excerpt === undefined || caret === undefined) return { line };
  const before = excerpt.slice(0, caret.length - 1).replace(/^\.\.\./, '');
  const after = excerpt.slice(caret.length - 1);
  const flat = (s: string) => s.replace(/\n/g, '');
  const fits = (off: number) => {
    if (!flat(source.slice(0, off)).endsWith(before)) return false;
    const rest = flat(source.slice(off));
    return rest.startsWith(after) || (after.endsWith('...') && rest.startsWith(after.slice(0, -3)));
  };
  const starts = lineStarts(source);
  const from = starts[line - 1] ?? 0;
  const to = starts[line] ?? source.length + 1;
  const offsets = [...range(from, to), ...range(0, source.length + 1)];
  const off = offsets.find(fits);
  return off === undefined ? { line } : positionOf(source, off);
}

function* range(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i++) yield i;
}

/** Offsets where each line starts; breaks are \r\n, \r or \n, as Handlebars' lexer counts them. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(/\r\n?|\n/g)) starts.push((m.index ?? 0) + m[0].length);
  return starts;
}

/** 1-based line and column of an offset into `text`, which starts at `origin` (Handlebars' 1-based line, 0-based column). */
function positionOf(text: string, offset: number, origin: Position = { line: 1, column: 0 }): Position {
  const starts = lineStarts(text.slice(0, offset));
  const last = starts[starts.length - 1] ?? 0;
  return starts.length === 1 ? { line: origin.line, column: origin.column + offset + 1 } : { line: origin.line + starts.length - 1, column: offset - last + 1 };
}

const startOf = (node: hbs.AST.Node): Position => ({ line: node.loc.start.line, column: node.loc.start.column + 1 });

interface Walk {
  known: ReadonlySet<string>;
  linksTracked: boolean;
  linkHosts: readonly string[];
  report: (issue: Omit<TemplateIssue, 'variant' | 'part'>) => void;
}

function walk(program: Program | undefined, scope: Scope, w: Walk): void {
  for (const s of program?.body ?? []) {
    switch (s.type) {
      case 'ContentStatement':
        if (w.linksTracked) untrackedLinks(s as hbs.AST.ContentStatement, w);
        break;
      case 'MustacheStatement':
      case 'Decorator': {
        const m = s as hbs.AST.MustacheStatement;
        if (m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0) call(m.path, m, scope, w);
        else if (m.path.type === 'PathExpression' && !isHelperName(m.path as Path)) read(m.path as Path, scope, w, false);
        break;
      }
      case 'BlockStatement':
      case 'DecoratorBlock': {
        const b = s as hbs.AST.BlockStatement;
        call(b.path, b, scope, w);
        const blockParams = new Set([...scope.blockParams, ...(b.program?.blockParams ?? [])]);
        walk(b.program, { otherContext: scope.otherContext || contextChanging.has(b.path.original), blockParams }, w);
        // `{{else}}` runs in the outer context
        walk(b.inverse, scope, w);
        break;
      }
      case 'PartialStatement':
        args(s as hbs.AST.PartialStatement, scope, w, '');
        break;
      case 'PartialBlockStatement': {
        const p = s as hbs.AST.PartialBlockStatement;
        args(p, scope, w, '');
        walk(p.program, scope, w);
        break;
      }
      default:
        // comments render nothing
        break;
    }
  }
}

/** `{{link}}` alone is the helper, not a trait: Handlebars looks helpers up first for a simple name. */
function isHelperName(p: Path): boolean {
  return p.parts.length === 1 && p.depth === 0 && !p.data && !/^(\.|this\b)/.test(p.original) && knownHelpers.has(p.original);
}

function call(path: Path | hbs.AST.Literal, c: Call, scope: Scope, w: Walk): void {
  const name = path.type === 'PathExpression' ? (path as Path).original : String((path as hbs.AST.StringLiteral | hbs.AST.NumberLiteral | hbs.AST.BooleanLiteral).value);
  if (!knownHelpers.has(name)) {
    w.report({ severity: 'error', code: 'unknown_helper', name, ...startOf(path), message: `"${name}" is not a helper here: use one of ${helperList}` });
  }
  if (name === 'link') linkTarget(c.params[0], w);
  args(c, scope, w, name);
}

function args(c: Call, scope: Scope, w: Walk, helper: string): void {
  c.params.forEach((e, i) => expr(e, scope, w, helper === 'default' && i === 0));
  for (const pair of c.hash?.pairs ?? []) expr(pair.value, scope, w, false);
}

function expr(e: Expression, scope: Scope, w: Walk, defaulted: boolean): void {
  if (e.type === 'PathExpression') read(e as Path, scope, w, defaulted);
  else if (e.type === 'SubExpression') {
    const sub = e as hbs.AST.SubExpression;
    call(sub.path, sub, scope, w);
  }
}

/** A read of a contact trait: the first segment of a path at the top context. */
function read(p: Path, scope: Scope, w: Walk, defaulted: boolean): void {
  const head = p.parts[0];
  if (p.data || p.depth > 0 || head === undefined || scope.otherContext) return;
  if (scope.blockParams.has(head) && !/^(\.|this\b)/.test(p.original)) return;
  if (w.known.has(head)) return;
  const message = defaulted
    ? `"${head}" is not a known variable, so the fallback will always show: add it to the template's variables`
    : `"${head}" is not a known variable: add it to the template's variables, or give it a fallback: {{default ${head} "…"}}`;
  w.report({ severity: 'warning', code: 'unknown_variable', name: head, ...(defaulted ? { defaulted } : {}), ...startOf(p), message });
}

/**
 * `{{link "…"}}` with a literal target: only http(s), only allow-listed hosts.
 * A target read from a trait cannot be known here; the redirect checks it on
 * every click, and the warning says so.
 */
function linkTarget(target: Expression | undefined, w: Walk): void {
  if (target?.type === 'StringLiteral') {
    const url = (target as hbs.AST.StringLiteral).value;
    const fault = linkTargetFault(url, w.linkHosts);
    if (fault) w.report({ severity: 'error', code: 'link_target', name: url, ...startOf(target), message: linkFaultEnglish(fault), params: fault });
  } else if (target?.type === 'PathExpression') {
    const name = (target as Path).original;
    w.report({
      severity: 'warning',
      code: 'link_target',
      name,
      ...startOf(target),
      message: `the link's target comes from "${name}": readers are sent on only when it is an http(s) URL on the workspace's link allow-list`,
      params: { fault: 'from_variable' },
    });
  }
}

function untrackedLinks(c: hbs.AST.ContentStatement, w: Walk): void {
  // `original` is the text as written (whitespace control not applied), which is what `loc` measures
  const text = (c as unknown as { original: string }).original;
  for (const m of text.matchAll(urlPattern)) {
    const url = m[0].replace(/[.,;:!?)\]]+$/, '');
    w.report({
      severity: 'warning',
      code: 'untracked_link',
      name: url,
      ...positionOf(text, m.index ?? 0, c.loc.start),
      message: `${url} is not tracked: write {{link "${url}"}} so its clicks carry UTM tags`,
    });
  }
}

/**
 * Marketing SMS must carry an opt-out line. Only text at the top level of
 * the body counts: text inside `{{#if}}` and friends may not render, and an
 * opt-out line that sometimes disappears is a compliance failure. A body that
 * does not parse is left to its syntax error.
 */
function optOutIssue(body: string, parsed: Parsed): Omit<TemplateIssue, 'variant' | 'part'> | null {
  if (!parsed.ok) return null;
  const text = parsed.ast.body
    .filter((s): s is hbs.AST.ContentStatement => s.type === 'ContentStatement')
    .map((s) => s.value)
    .join('');
  if (hasOptOutLine(text)) return null;
  return {
    severity: 'error',
    code: 'missing_opt_out',
    ...positionOf(body, body.length),
    message: 'a marketing SMS needs an opt-out line, such as "回T退订" or "Reply T to opt out"',
  };
}
