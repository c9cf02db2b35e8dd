/**
 * Secret values found while importing (from .env, env_file or literal values of
 * sensitive variables). They are handed back beside the app definition for the
 * caller to put in the secret store; the definition itself holds only references.
 */
export class SecretCollector {
  readonly values: Record<string, string> = {};

  /** Stores `value` under `name`, or under a service-qualified name when `name` already holds another value. */
  add(name: string, value: string, service: string): string {
    const existing = this.values[name];
    if (existing === undefined || existing === value) {
      this.values[name] = value;
      return name;
    }
    const qualified = `${service.toUpperCase().replace(/-/g, '_')}_${name}`;
    this.values[qualified] = value;
    return qualified;
  }
}

const SENSITIVE = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_?KEY|ENCRYPTION_?KEY|SALT)/i;

/** Names that by convention hold credentials; `*_FILE` variables hold a path to one instead. */
export const looksSensitive = (name: string): boolean => SENSITIVE.test(name) && !/_FILE$/i.test(name);
