import { toDnsLabel } from '../../../../../shared/translate/import/names';

/** Compose's own file names: they say nothing about the app, so its folder names it, as `docker compose` does. */
const GENERIC = /^(docker-)?compose(\.override)?$/i;
const COMPOSE_FILE = /^(docker-)?compose\.ya?ml$/i;

/** What a picked file suggests as the app's name, or why it suggests none. */
export type NameSuggestion = { name: string; why?: undefined } | { name: ''; why: string };

/**
 * The app name a picked compose file suggests: its own name (shop.yaml → shop), or for compose.yaml and the like its
 * folder's, which the browser tells only when a folder was picked (webkitRelativePath is "folder/compose.yaml").
 */
export function suggestName(file: { name: string; webkitRelativePath?: string }): NameSuggestion {
  const stem = file.name.replace(/\.ya?ml$/i, '');
  if (!GENERIC.test(stem)) return { name: toDnsLabel(stem, '') };
  const folder = (file.webkitRelativePath ?? '').split('/').slice(0, -1).pop();
  if (folder) return { name: toDnsLabel(folder, '') };
  return {
    name: '',
    why: `The browser gives only the file name (${file.name}), not its folder, so the app would be called by the file's top-level name: or "app". Type a name, or choose the folder instead.`,
  };
}

/** The compose file in a picked folder's files: compose.yaml first, as docker compose looks for it, at the top level only. */
export function composeFileIn(files: readonly File[]): File | undefined {
  const top = files.filter((f) => f.webkitRelativePath.split('/').length === 2 && COMPOSE_FILE.test(f.name));
  const order = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
  return top.sort((a, b) => order.indexOf(a.name.toLowerCase()) - order.indexOf(b.name.toLowerCase()))[0];
}
