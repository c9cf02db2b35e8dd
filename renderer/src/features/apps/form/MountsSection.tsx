import { useEditorStore } from '../model/editor-store';
import { getIn, type Path } from '../model/draft';
import { CheckField, TextField } from './fields';
import { ListSection } from './ListSection';

/** Named volumes (both targets) and host directories (Docker only). */
export function MountsSection({ servicePath }: { servicePath: Path }) {
  const setField = useEditorStore((s) => s.setField);
  const draft = useEditorStore((s) => s.draft);
  return (
    <ListSection
      title="Mounts"
      path={[...servicePath, 'mounts']}
      empty="No mounts."
      make={() => ({ volume: 'data', path: '/data', readOnly: false })}
      row={(p) => {
        const mount = getIn(draft, p) as Record<string, unknown> | undefined;
        const isBind = mount !== undefined && 'hostPath' in mount;
        return (
          <>
            <div className="apps-field">
              <label>Kind</label>
              <select
                aria-label="Mount kind"
                value={isBind ? 'bind' : 'volume'}
                onChange={(e) =>
                  setField(p, e.target.value === 'bind'
                    ? { hostPath: './data', path: mount?.path ?? '/data', readOnly: mount?.readOnly ?? false }
                    : { volume: 'data', path: mount?.path ?? '/data', readOnly: mount?.readOnly ?? false })}
              >
                <option value="volume">volume</option>
                <option value="bind">host directory</option>
              </select>
            </div>
            {isBind ? <TextField path={[...p, 'hostPath']} label="Host path" optional={false} /> : <TextField path={[...p, 'volume']} label="Volume" optional={false} />}
            <TextField path={[...p, 'path']} label="Container path" optional={false} />
            <CheckField path={[...p, 'readOnly']} label="Read only" />
          </>
        );
      }}
    />
  );
}
