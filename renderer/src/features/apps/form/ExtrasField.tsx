import { useState } from 'react';
import { useEditorStore } from '../model/editor-store';
import { getIn, setIn, type Path } from '../model/draft';
import { applyExtrasYaml, extrasToYaml } from '../model/service-extras';

/**
 * The service's less common fields (command, user, files, labels, hooks…) as
 * YAML. Text that does not parse stays in the box with its error; the last
 * good value keeps rendering.
 */
export function ExtrasField({ servicePath }: { servicePath: Path }) {
  const service = useEditorStore((s) => getIn(s.draft, servicePath)) as Record<string, unknown> | undefined;
  const draft = useEditorStore((s) => s.draft);
  const replaceDraft = useEditorStore((s) => s.replaceDraft);
  const fromDraft = extrasToYaml(service ?? {});
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onChange = (next: string) => {
    setText(next);
    const result = applyExtrasYaml(service ?? {}, next);
    if (!result.ok) return setError(result.line ? `Line ${result.line}: ${result.message}` : result.message);
    setError(null);
    if (draft) replaceDraft(setIn(draft, servicePath, result.service));
  };

  return (
    <details className="apps-extras" open={fromDraft !== '' || text !== null}>
      <summary>More (YAML): command, entrypoint, user, files, labels, annotations, hooks, autoscale, dependsOn, build…</summary>
      <textarea
        aria-label="More service fields as YAML"
        spellCheck={false}
        rows={Math.max(3, (text ?? fromDraft).split('\n').length)}
        value={text ?? fromDraft}
        placeholder={'command: ["npm", "start"]\nuser: "1000"\nlabels:\n  team: web'}
        onChange={(e) => onChange(e.target.value)}
        onBlur={() => !error && setText(null)}
      />
      {error && <span className="apps-field-error" role="alert">{error}</span>}
    </details>
  );
}
