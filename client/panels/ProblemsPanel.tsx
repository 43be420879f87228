import { CircleAlert, CircleCheck } from 'lucide-react';
import { useT } from '../i18n/useT';
import { useProblemText } from '../i18n/problemText';
import { useNodeName } from '../store/useNodeName';
import type { Located } from '../../shared/journey/errors';
import { useEditorStore } from '../store/editorContext';

/**
 * The draft's compile errors, live. Each one names its place; choosing it
 * takes the operator there (`onFocus`: select the node or edge, open the
 * field), so they see exactly what to fix.
 */
export function ProblemsPanel({ onFocus }: { onFocus: (p: Located) => void }) {
  const t = useT();
  const problemText = useProblemText(useNodeName());
  const problems = useEditorStore((s) => s.problems);
  return (
    <section className="panel" aria-labelledby="problems-title">
      <h2 id="problems-title" className="panel__title">
        {t('editor.tab.problems')} <span className={`count${problems.length ? ' count--bad' : ''}`}>{problems.length}</span>
      </h2>
      {problems.length === 0 ? (
        <p className="panel__empty">
          <CircleCheck size={16} aria-hidden /> {t('problems.none')}
        </p>
      ) : (
        <ul className="problems" aria-label={t('editor.tab.problems')}>
          {problems.map((p, i) => (
            <li key={`${p.code}:${p.nodeId ?? ''}:${p.edgeId ?? ''}:${p.field ?? ''}:${i}`}>
              <button type="button" className="problem problem--link" onClick={() => onFocus(p)}>
                <CircleAlert size={15} className="problem__icon" aria-hidden />
                <span className="problem__text">
                  {problemText(p)}
                  <code className="problem__code">{[p.code, p.nodeId, p.field].filter(Boolean).join(' · ')}</code>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
