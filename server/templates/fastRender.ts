import Handlebars from 'handlebars';

/** A compiled part, called as a Handlebars template is: the contact's traits, and the private data the helpers read. */
export type PartRenderer = (traits: Record<string, unknown>, options: { data: { ctx: unknown } }) => string;

type Piece = (traits: Record<string, unknown>, options: { data: { ctx: unknown } }) => string;
type Arg = (traits: Record<string, unknown>) => unknown;

/** `name` read as Handlebars reads it: own properties only, missing → undefined. */
function pathReader(k: string): Arg {
  return (t) => (Object.hasOwn(t, k) ? t[k] : undefined);
}

/**
 * A plain one-part path: `name`, not `a.b`, `this`, `../x` or `@data`. Deeper
 * paths go to Handlebars, which reads through strings and arrays as well
 * (`{{name.length}}` prints 3 for "林小姐"), and matching every such rule here
 * would buy nothing: message copy reads traits by name.
 */
const simplePath = (p: hbs.AST.PathExpression): string | null =>
  !p.data && p.depth === 0 && p.parts.length === 1 && !p.original.startsWith('this') && !p.original.includes('/') && !p.original.includes('.') ? (p.parts[0] as string) : null;

/** A mustache's value as Handlebars prints it: null/undefined → '', anything else its string, escaped unless told not to. */
const print = (v: unknown, escape: boolean): string => (v === null || v === undefined ? '' : escape ? Handlebars.escapeExpression(v as string) : String(v));

/**
 * Compiles the common shape of message copy — text, `{{variable}}` and
 * helper calls with literal or variable arguments
 * (`{{money limit}}`, `{{link "https://…"}}`, `{{default name "您好"}}`) —
 * to a plain closure that concatenates, with no Handlebars runtime per call.
 * Anything else (blocks, partials, hash arguments, sub-expressions, @data,
 * `this`, `../`, dotted paths) returns null, and the caller uses Handlebars itself. The
 * output is the same as Handlebars' (a property test holds it to that).
 */
export function compileFast(source: string, helpers: Readonly<Record<string, (...args: unknown[]) => unknown>>, escape: boolean): PartRenderer | null {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch {
    return null;
  }
  const pieces: Piece[] = [];
  for (const s of ast.body) {
    if (s.type === 'ContentStatement') {
      const text = (s as hbs.AST.ContentStatement).value;
      pieces.push(() => text);
      continue;
    }
    if (s.type === 'CommentStatement') continue;
    if (s.type !== 'MustacheStatement') return null;
    const m = s as hbs.AST.MustacheStatement;
    if (m.path.type !== 'PathExpression' || (m.hash?.pairs.length ?? 0) > 0) return null;
    const name = simplePath(m.path as hbs.AST.PathExpression);
    if (name === null) return null;
    const esc = escape && m.escaped;
    if (Object.hasOwn(helpers, name)) {
      if (m.params.length === 0) return null; // {{link}} alone: leave the edge case to Handlebars
      const helper = helpers[name] as (...args: unknown[]) => unknown;
      const args: Arg[] = [];
      for (const p of m.params) {
        if (p.type === 'StringLiteral' || p.type === 'NumberLiteral' || p.type === 'BooleanLiteral') {
          const v = (p as hbs.AST.StringLiteral | hbs.AST.NumberLiteral | hbs.AST.BooleanLiteral).value;
          args.push(() => v);
        } else if (p.type === 'PathExpression') {
          const arg = simplePath(p as hbs.AST.PathExpression);
          if (arg === null) return null;
          args.push(pathReader(arg));
        } else return null;
      }
      if (args.length === 1) {
        const a0 = args[0] as Arg;
        pieces.push((t, o) => print(helper(a0(t), o), esc));
      } else if (args.length === 2) {
        const [a0, a1] = args as [Arg, Arg];
        pieces.push((t, o) => print(helper(a0(t), a1(t), o), esc));
      } else pieces.push((t, o) => print(helper(...args.map((a) => a(t)), o), esc));
      continue;
    }
    if (m.params.length > 0) return null; // an unknown helper: Handlebars reports it
    const read = pathReader(name);
    pieces.push((t) => print(read(t), esc));
  }
  return (traits, options) => {
    let out = '';
    for (const p of pieces) out += p(traits, options);
    return out;
  };
}
