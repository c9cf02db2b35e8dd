import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import type { Prompt } from '../../../../shared/api/contract';

type SecretPrompt = Extract<Prompt, { kind: 'password' | 'passphrase' }>;

export function SecretDialog({ prompt, onAnswer }: { prompt: SecretPrompt; onAnswer(answer: { accept: boolean; secret?: string; remember?: boolean }): void }) {
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(false);
  const noun = prompt.kind === 'password' ? 'Password' : 'Passphrase';
  return (
    <Dialog title={`${noun} needed`} onCancel={() => onAnswer({ accept: false })}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onAnswer({ accept: true, secret, remember: prompt.canRemember && remember });
        }}
      >
        <div className="dialog-body">
          <label className="field">
            <span className="field-label">{prompt.label}</span>
            <input type="password" autoFocus autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
          </label>
          {prompt.canRemember && (
            <label className="check">
              <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
              Remember on this computer (stored encrypted)
            </label>
          )}
        </div>
        <footer className="dialog-actions">
          <button type="button" className="button" onClick={() => onAnswer({ accept: false })}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={!secret}>
            Continue
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
