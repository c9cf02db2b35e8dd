import { at } from './diagnostics.js';
import { fieldOf, type DraftService, type ServiceContext } from './context.js';
import { isRecord, scalarText } from './lists.js';

const HOST_ALIAS = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** The ipam subnets of a top-level network, split by family. */
function subnets(def: unknown): { v4?: string; v6?: string } {
  const config = isRecord(def) && isRecord(def.ipam) && Array.isArray(def.ipam.config) ? def.ipam.config : [];
  const out: { v4?: string; v6?: string } = {};
  for (const c of config) {
    if (!isRecord(c) || typeof c.subnet !== 'string') continue;
    if (c.subnet.includes(':')) out.v6 ??= c.subnet;
    else out.v4 ??= c.subnet;
  }
  return out;
}

/**
 * A service's networks: Berth puts all services of an app on one network, so
 * what the service keeps are the names it answers to (aliases) and its fixed
 * addresses, with the subnet those need.
 */
export function importNetworks(raw: unknown, service: DraftService, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  if (raw === undefined || raw === null) return;
  const joined = Array.isArray(raw) ? raw.map(String) : isRecord(raw) ? Object.keys(raw) : [];
  const aliases: string[] = [];
  if (isRecord(raw)) {
    for (const [network, settings] of Object.entries(raw)) {
      if (!isRecord(settings)) continue;
      const o = at(origin, 'networks', network);
      for (const alias of Array.isArray(settings.aliases) ? settings.aliases.map(scalarText) : []) {
        if (!HOST_ALIAS.test(alias) || alias.length > 253) {
          sink.warn('IMPORT_ALIAS_INVALID', `The alias "${alias}" of "${name}" is not a host name; it was not imported.`, at(o, 'aliases'), fieldOf(ctx, 'aliases'));
        } else if (alias !== name && !aliases.includes(alias)) aliases.push(alias);
      }
      for (const [key, field, family] of [['ipv4_address', 'ipv4Address', 'v4'], ['ipv6_address', 'ipv6Address', 'v6']] as const) {
        if (typeof settings[key] !== 'string' || settings[key] === '') continue;
        service[field] = settings[key];
        const subnet = subnets(ctx.topNetworks[network])[family];
        const current = family === 'v4' ? ctx.network.subnet : ctx.network.ipv6Subnet;
        if (subnet === undefined) {
          sink.warn('IMPORT_ADDRESS_NO_SUBNET', `"${name}" has the fixed address ${settings[key]} on network "${network}", which declares no ipam subnet. Set the app network's ${family === 'v4' ? 'subnet' : 'ipv6Subnet'} so Docker can assign it.`, at(o, key), 'network');
        } else if (current !== undefined && current !== subnet) {
          sink.warn('IMPORT_ADDRESS_SUBNET_CONFLICT', `"${name}" has a fixed address on network "${network}" (subnet ${subnet}), but another service's network uses ${current}; Berth has one network per app, so ${current} is kept. Move the addresses into one subnet.`, at(o, key), 'network');
        } else if (family === 'v4') ctx.network.subnet = subnet;
        else ctx.network.ipv6Subnet = subnet;
      }
    }
  }
  if (aliases.length > 0) service.aliases = aliases;
  if (joined.length > 1 || (joined.length === 1 && joined[0] !== 'default')) {
    sink.info('IMPORT_NETWORKS_MERGED', `"${name}" joins networks ${joined.join(', ')}. Berth puts all services of an app on one network, so services that compose kept on separate networks can reach each other there${aliases.length > 0 ? `; its aliases (${aliases.join(', ')}) are kept` : ''}.`, at(origin, 'networks'), fieldOf(ctx, 'aliases'));
  }
}
