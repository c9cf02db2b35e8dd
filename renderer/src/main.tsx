import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/forms.css';
import './styles/dialogs.css';
import './styles/servers.css';
import './styles/terminal.css';
import { App } from './features/shell/App';
import { installBenchHook } from './bench/bench-hook';

installBenchHook();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
