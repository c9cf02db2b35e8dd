import { useEffect, useState } from 'react';
import { api } from '../../api/api';
import { Icon, type IconName } from '../../components/Icon';
import { useNavigation, type Page } from '../../stores/navigation-store';
import { useTerminals } from '../terminal/terminals-store';
import { RunningDeploys } from '../deploys/RunningDeploys';
import { ActivityControl } from '../activity/ActivityControl';
import { ThemeSwitch } from '../palette/ThemeSwitch';

const items: { page: Page; label: string; icon: IconName }[] = [
  { page: 'overview', label: 'Overview', icon: 'overview' },
  { page: 'servers', label: 'Servers', icon: 'server' },
  { page: 'clusters', label: 'Clusters', icon: 'cluster' },
  { page: 'apps', label: 'Apps', icon: 'apps' },
];

export function Sidebar() {
  const { page, go } = useNavigation();
  const terminalCount = useTerminals((s) => s.tabs.length);
  const panelOpen = useTerminals((s) => s.panelOpen);
  const setPanelOpen = useTerminals((s) => s.setPanelOpen);
  const [version, setVersion] = useState<string>();

  useEffect(() => {
    api.call('system.info', {}).then((info) => setVersion(`${info.version}${info.host === 'web' ? ' · web' : ''}`), () => undefined);
  }, []);

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Berth
      </div>
      <ul className="nav">
        {items.map((item) => (
          <li key={item.page}>
            <button type="button" className={`nav-item${page === item.page ? ' nav-item-active' : ''}`} aria-current={page === item.page ? 'page' : undefined} onClick={() => go(item.page)}>
              <Icon name={item.icon} />
              {item.label}
            </button>
          </li>
        ))}
      </ul>
      <RunningDeploys />
      <div className="sidebar-foot">
        <ActivityControl />
        <button type="button" className={`nav-item${panelOpen ? ' nav-item-active' : ''}`} onClick={() => setPanelOpen(!panelOpen)} aria-pressed={panelOpen}>
          <Icon name="terminal" />
          Terminals
          {terminalCount > 0 && <span className="count">{terminalCount}</span>}
        </button>
        <ThemeSwitch />
        {version && <p className="version">Berth {version}</p>}
      </div>
    </nav>
  );
}
