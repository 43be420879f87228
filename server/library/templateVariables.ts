import Handlebars from 'handlebars';

/** Handlebars' own block helpers: never a variable. */
const builtinHelpers = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);

type Expression = hbs.AST.Expression;

/**
 * The top-level names a Handlebars template reads from its context, sorted:
 * `{{name}}`, `{{money limit}}` and `{{default name "there"}}` all read `name`
 * or `limit`; helper names (`money`, `default`, `link`), `@data`, `this` and
 * literals are not variables. A mustache is a helper call when it has
 * arguments; a bare `{{x}}` is read as a variable.
 *
 * Meant for meta.json's `variables` and for previews (which traits to ask
 * for); names inside `{{#each}}` bodies are counted as top-level, which is
 * good enough for message copy.
 */
export function templateVariables(source: string): string[] {
  const found = new Set<string>();

  const path = (p: hbs.AST.PathExpression): void => {
    const head = p.parts[0];
    if (!p.data && p.depth === 0 && head !== undefined && head !== 'this') found.add(head);
  };
  const expr = (e: Expression): void => {
    if (e.type === 'PathExpression') path(e as hbs.AST.PathExpression);
    else if (e.type === 'SubExpression') call(e as hbs.AST.SubExpression);
  };
  const call = (c: { params: Expression[]; hash: hbs.AST.Hash | undefined }): void => {
    c.params.forEach(expr);
    c.hash?.pairs.forEach((pair) => expr(pair.value));
  };
  const program = (p: hbs.AST.Program | undefined): void => {
    for (const s of p?.body ?? []) {
      switch (s.type) {
        case 'MustacheStatement': {
          const m = s as hbs.AST.MustacheStatement;
          const isCall = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
          if (isCall) call(m);
          else if (m.path.type === 'PathExpression' && !builtinHelpers.has((m.path as hbs.AST.PathExpression).original)) path(m.path as hbs.AST.PathExpression);
          break;
        }
        case 'BlockStatement': {
          const b = s as hbs.AST.BlockStatement;
          call(b);
          program(b.program);
          program(b.inverse);
          break;
        }
        case 'PartialStatement':
          call(s as hbs.AST.PartialStatement);
          break;
        default:
          // content and comments read nothing
          break;
      }
    }
  };

  program(Handlebars.parse(source));
  return [...found].sort();
}
