import { lazy, Suspense, useEffect } from 'react';
import { PromptLayer } from '../prompts/PromptLayer';
import ServersPage from '../servers/ServersPage';
import ClustersPage from '../clusters/ClustersPage';
import OverviewPage from '../overview/OverviewPage';
import { TerminalPanel } from '../terminal/TerminalPanel';
import { useTerminals } from '../terminal/terminals-store';
import { useNavigation } from '../../stores/navigation-store';
import { Sidebar } from './Sidebar';
import { Toasts } from '../deploys/Toasts';
import { CommandLayer } from '../palette/CommandLayer';

// The app editor pulls in Monaco; it loads only when the user goes there.
const AppsPage = lazy(() => import('../apps/AppsPage'));

export function App() {
  const page = useNavigation((s) => s.page);
  useEffect(() => void useTerminals.getState().restore(), []);
  return (
    <div className="app">
      <Sidebar />
      <div className="workspace">
        <main className="content">
          {page === 'overview' && <OverviewPage />}
          {page === 'servers' && <ServersPage />}
          {page === 'clusters' && <ClustersPage />}
          {page === 'apps' && (
            <Suspense fallback={<p className="page muted">Loading the app editor…</p>}>
              <AppsPage />
            </Suspense>
          )}
        </main>
        <TerminalPanel />
      </div>
      <PromptLayer />
      <Toasts />
      <CommandLayer />
    </div>
  );
}
