import { useT } from '../i18n/useT';
import type { ApprovalDetail } from './approvalLabels';
import type { Translate } from '../i18n/useT';
import { diffGraphs } from '../../shared/journey/diff';
import { changeWords } from '../pages/changeText';
import { partText } from '../templates/partText';
import type { JourneyGraph } from '../../shared/journey/graph';

/** A publish request's changes, each in the reader's language; a first version says so. */
function journeyLines(t: Translate, graphs: { before: JourneyGraph | null; after: JourneyGraph }): string[] {
  if (graphs.before === null) return [t('approvals.firstVersion')];
  const words = changeWords(t, graphs);
  return diffGraphs(graphs.before, graphs.after).map((c) => words.line(c));
}

/** One changed part of one template variant: the copy before and after (null: the variant is new, or gone). */
export interface TemplateChange {
  variant: string;
  part: string;
  before: string | null;
  after: string | null;
}

const isTemplateChange = (c: unknown): c is TemplateChange => typeof c === 'object' && c !== null && 'variant' in c && 'part' in c;

/**
 * What approving would change: for a journey the "what changes" lines against
 * the live version; for a template the copy of each changed variant part,
 * before beside after.
 */
export function ApprovalChanges({ changes, graphs = null }: { changes: ApprovalDetail['changes']; graphs?: ApprovalDetail['graphs'] }) {
  const t = useT();
  const items: readonly unknown[] = changes;
  // a journey's changes worded from the two graphs compared (a request filed before they were kept: its English lines)
  const lines = graphs ? journeyLines(t, graphs) : items.filter((c): c is string => typeof c === 'string');
  const copy = items.filter(isTemplateChange);
  if (items.length === 0) return <p className="muted">{t('approvals.noChanges')}</p>;
  return (
    <>
      {lines.length > 0 && (
        <ul className="dialog__list approval__lines" aria-label={t('publish.changes')}>
          {lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      )}
      {copy.map((c) => (
        <article key={`${c.variant}:${c.part}`} className="copydiff" aria-label={t('approvals.variant', { variant: c.variant.toUpperCase(), part: partText(t, c.part) })}>
          <h3 className="copydiff__title">{t('approvals.variant.title', { variant: c.variant.toUpperCase(), part: partText(t, c.part) })}</h3>
          <div className="copydiff__cols">
            <div>
              <div className="copydiff__label">{t('approvals.before')}</div>
              {c.before === null ? <p className="muted copydiff__none">{t('approvals.new')}</p> : <pre className="copydiff__text copydiff__text--before">{c.before}</pre>}
            </div>
            <div>
              <div className="copydiff__label">{t('approvals.after')}</div>
              {c.after === null ? <p className="muted copydiff__none">{t('approvals.removed')}</p> : <pre className="copydiff__text copydiff__text--after">{c.after}</pre>}
            </div>
          </div>
        </article>
      ))}
    </>
  );
}
