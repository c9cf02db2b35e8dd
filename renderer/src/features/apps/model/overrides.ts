import type { App } from '../../../../../shared/model/app';
import type { RenderTarget } from '../../../../../shared/api/contract';

export interface OverrideRef {
  target: RenderTarget;
  kind: string;
  name: string;
}

/** Drops the user's edit of one rendered object, so it renders from the form alone again. */
export function withoutOverride(app: App, ref: OverrideRef): App {
  return { ...app, overrides: app.overrides.filter((o) => !(o.target === ref.target && o.kind === ref.kind && o.name === ref.name)) };
}
