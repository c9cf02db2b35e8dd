/**
 * Where an app's secret value lives in the secret store. berth.yaml holds only
 * the secret's name ({secret: NAME}); UI and core both derive the store key
 * here so they can never disagree.
 */
export function appSecretKey(appName: string, secretName: string): string {
  return `app/${appName}/${secretName}`;
}
