import { Dialog } from '../../components/Dialog';
import type { Prompt } from '../../../../shared/api/contract';

type HostKeyPrompt = Extract<Prompt, { kind: 'hostKey' }>;

/** First contact with a server: the user compares the fingerprint before trusting it. Cancel is the default. */
export function HostKeyDialog({ prompt, onAnswer }: { prompt: HostKeyPrompt; onAnswer(accept: boolean): void }) {
  const address = prompt.port === 22 ? prompt.host : `[${prompt.host}]:${prompt.port}`;
  return (
    <Dialog title="Unknown host key" tone="warning" onCancel={() => onAnswer(false)}>
      <div className="dialog-body">
        <p>
          Berth has not connected to <strong>{address}</strong> before, so it cannot tell yet whether this is really your server.
        </p>
        <dl className="facts">
          <dt>Host</dt>
          <dd className="mono" data-testid="hostkey-address">{`${prompt.host}:${prompt.port}`}</dd>
          <dt>Key type</dt>
          <dd className="mono" data-testid="hostkey-type">{prompt.keyType}</dd>
          <dt>Fingerprint</dt>
          <dd className="mono fingerprint" data-testid="hostkey-fingerprint">{prompt.fingerprint}</dd>
        </dl>
        <p className="muted">
          Compare the fingerprint with the one your hosting provider shows, or run <code>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code> on the
          server. Trust it only if they match.
        </p>
      </div>
      <footer className="dialog-actions">
        <button type="button" className="button" autoFocus onClick={() => onAnswer(false)}>
          Cancel
        </button>
        <button type="button" className="button button-primary" onClick={() => onAnswer(true)}>
          Trust and connect
        </button>
      </footer>
    </Dialog>
  );
}
