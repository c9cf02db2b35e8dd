import type { DeployRecord } from '../../shared/model/deploy.js';

/**
 * The desktop notification for a finished deploy: the UI may be hidden or on
 * another page when a long deploy ends. Running records give none.
 */
export function deployNotice(record: DeployRecord): { title: string; body: string } | undefined {
  const what = `${record.kind === 'rollback' ? 'Rollback of' : 'Deploy of'} ${record.app} to ${record.destination}`;
  switch (record.outcome) {
    case 'running':
      return undefined;
    case 'succeeded':
      return { title: `${what} succeeded`, body: `${record.id} is serving.` };
    case 'cancelled':
      return { title: `${what} cancelled`, body: 'The previous release keeps serving.' };
    case 'interrupted':
      return { title: `${what} interrupted`, body: 'The connection was lost; the next deploy cleans up.' };
    case 'failed':
      return { title: `${what} failed`, body: (record.error ?? 'See its log.').split('\n')[0]!.slice(0, 200) };
  }
}
