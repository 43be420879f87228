import { useReactFlow } from '@xyflow/react';
import { CircleAlert, CircleCheck } from 'lucide-react';
import type { Located } from '../../shared/journey/errors';
import { useEditorStore } from '../store/editorContext';

/**
 * The draft's compile errors. A problem that names a node selects it and
 * brings it into view, so the operator sees exactly where to fix it.
 */
export function ProblemsPanel() {
  const problems = useEditorStore((s) => s.problems);
  const selectNode = useEditorStore((s) => s.selectNode);
  const { fitView } = useReactFlow();

  const focus = (p: Located) => {
    if (!p.nodeId) return;
    selectNode(p.nodeId);
    void fitView({ nodes: [{ id: p.nodeId }], duration: 300, maxZoom: 1.1, padding: 0.6 });
  };

  return (
    <section className="panel" aria-labelledby="problems-title">
      <h2 id="problems-title" className="panel__title">
        Problems <span className={`count${problems.length ? ' count--bad' : ''}`}>{problems.length}</span>
      </h2>
      {problems.length === 0 ? (
        <p className="panel__empty">
          <CircleCheck size={16} aria-hidden /> No problems. This draft can be published.
        </p>
      ) : (
        <ul className="problems" aria-label="Problems">
          {problems.map((p, i) => (
            <li key={`${p.code}:${p.nodeId ?? ''}:${p.edgeId ?? ''}:${p.field ?? ''}:${i}`}>
              {p.nodeId ? (
                <button type="button" className="problem problem--link" onClick={() => focus(p)}>
                  <ProblemText problem={p} />
                </button>
              ) : (
                <div className="problem">
                  <ProblemText problem={p} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ProblemText({ problem }: { problem: Located }) {
  return (
    <>
      <CircleAlert size={15} className="problem__icon" aria-hidden />
      <span className="problem__text">
        {problem.message}
        <span className="problem__code">{problem.field ? `${problem.code} · ${problem.field}` : problem.code}</span>
      </span>
    </>
  );
}
