import { Icon } from '../../components/Icon';
import './deploys.css';
import { useNavigation } from '../../stores/navigation-store';
import { useDeploys } from './deploys-store';

/** Deploy outcomes, bottom right: a toast per finished deploy, with Show to open it. */
export function Toasts() {
  const toasts = useDeploys((s) => s.toasts);
  const { dismiss } = useDeploys.getState();
  const go = useNavigation((s) => s.go);
  return (
    <div className="toasts" role="region" aria-label="Notifications">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
          <div className="toast-text">
            <strong>{t.title}</strong>
            {t.body && <span>{t.body}</span>}
          </div>
          <div className="toast-actions">
            {t.show && (
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  go('apps', t.show);
                  dismiss(t.id);
                }}
              >
                Show
              </button>
            )}
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              <Icon name="close" size={12} />
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
