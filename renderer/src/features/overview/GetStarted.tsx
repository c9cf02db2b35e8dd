import { useState, type ReactNode } from 'react';
import { api } from '../../api/api';
import type { Destination } from '../../../../shared/model/app';
import { LOCAL_SERVER_ID } from '../../../../shared/model/server';
import { Icon, type IconName } from '../../components/Icon';
import { errorMessage } from '../../lib/errors';
import { useNavigation } from '../../stores/navigation-store';
import { useServers } from '../../stores/servers-store';
import { localDockerProblem, uniqueName, type FirstSteps } from './first-steps';

/**
 * A Docker destination on this computer that the Apps page will keep: a saved one if there is, else the default it
 * offers while none is saved, else (others are saved, and it would pick the first of those) that default, saved.
 */
async function localDestination(): Promise<Destination> {
  const saved = await api.call('destinations.list', {});
  const local = saved.find((d) => d.type === 'docker' && d.server === LOCAL_SERVER_ID);
  if (local) return local;
  // The Apps page's own module, loaded here as it is needed next anyway.
  const { THIS_COMPUTER } = await import('../apps/destinations/DestinationPicker');
  if (saved.length === 0) return THIS_COMPUTER;
  const name = uniqueName(THIS_COMPUTER.name, saved.map((d) => d.name));
  return api.call('destinations.save', { destination: { ...THIS_COMPUTER, name } });
}

function Step({ number, title, icon, done, children, action }: { number: number; title: string; icon: IconName; done: boolean; children: ReactNode; action: ReactNode }) {
  return (
    <li className={`overview-step card${done ? ' overview-step-done' : ''}`} aria-labelledby={`overview-step-${number}`}>
      <div className="overview-step-head">
        <span className="overview-step-icon" aria-hidden="true">
          {done ? '✓' : <Icon name={icon} size={18} />}
        </span>
        <h3 id={`overview-step-${number}`}>{title}</h3>
        {done && <span className="overview-done">Done</span>}
      </div>
      <div className="overview-step-text">{children}</div>
      <div className="overview-step-action">{action}</div>
    </li>
  );
}

/** The first start's next steps, each with its button, each marked done once it is. */
export function GetStarted({ steps, appNames }: { steps: FirstSteps; appNames: string[] }) {
  const go = useNavigation((s) => s.go);
  const localProbe = useServers((s) => s.statuses[LOCAL_SERVER_ID]?.probe);
  const testing = useServers((s) => s.testing[LOCAL_SERVER_ID] ?? false);
  const testError = useServers((s) => s.testErrors[LOCAL_SERVER_ID]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const problem = localProbe ? localDockerProblem(localProbe) : null;

  const deployHere = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const servers = useServers.getState();
      // Known to work: go on. Unknown, or known missing (the user may have just started Docker): look again.
      if (!servers.statuses[LOCAL_SERVER_ID]?.probe?.docker) await servers.test(LOCAL_SERVER_ID);
      const probe = useServers.getState().statuses[LOCAL_SERVER_ID]?.probe;
      if (!probe?.docker) return;
      const destination = await localDestination();
      go('apps', { kind: 'newApp', name: uniqueName('hello-berth', appNames), destination });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="overview-section" aria-labelledby="overview-start-title">
      <h2 id="overview-start-title">Get started</h2>
      <p className="muted">Three steps to a first deploy. Each is marked done as soon as it is.</p>
      <ol className="overview-steps">
        <Step
          number={1}
          title="Add a server"
          icon="server"
          done={steps.server}
          action={
            <button type="button" className={`button${steps.server ? '' : ' button-primary'}`} onClick={() => go('servers', { kind: 'addServer' })}>
              <Icon name="plus" /> {steps.server ? 'Add another server' : 'Add a server'}
            </button>
          }
        >
          A machine you reach over SSH with Docker on it. Berth connects with your key or agent and checks what it runs.
        </Step>
        <Step
          number={2}
          title="Import a compose file"
          icon="import"
          done={steps.app}
          action={
            <button type="button" className={`button${steps.app ? '' : ' button-primary'}`} onClick={() => go('apps', { kind: 'importCompose' })}>
              <Icon name="import" /> Import a compose file
            </button>
          }
        >
          Bring an app you already run with docker-compose. Berth shows what it understood, and what it could not, before you save it.
        </Step>
        <Step
          number={3}
          title="Deploy to this computer"
          icon="laptop"
          done={steps.deploy}
          action={
            <button type="button" className={`button${steps.deploy ? '' : ' button-primary'}`} disabled={busy || testing} onClick={() => void deployHere()}>
              {busy || testing ? 'Checking Docker…' : problem ? 'Check again' : 'Deploy to this computer'}
            </button>
          }
        >
          <p>Try a deploy without a server: a small web app, deployed to Docker here.</p>
          {problem && (
            <p className="overview-step-problem" role="status" data-testid="local-docker-problem">
              {problem}
            </p>
          )}
          {(error ?? testError) && (
            <p className="overview-step-problem" role="alert">
              {error ?? testError?.message}
            </p>
          )}
        </Step>
      </ol>
    </section>
  );
}
