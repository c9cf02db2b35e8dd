/**
 * Service keys Compose runs that the app definition has no typed field for.
 * They are kept verbatim in `service.compose` so the Docker output runs exactly
 * what the compose file ran; the Kubernetes renderer reports each one it cannot
 * express. Nothing Compose runs is dropped.
 */
export const VERBATIM_SERVICE_KEYS = new Set([
  'network_mode', 'devices', 'ulimits', 'logging', 'links', 'external_links', 'dns', 'dns_search', 'dns_opt',
  'security_opt', 'ipc', 'pid', 'uts', 'userns_mode', 'cgroup', 'cgroup_parent', 'cpu_shares', 'cpu_quota',
  'cpu_period', 'cpuset', 'cpu_count', 'cpu_percent', 'cpu_rt_runtime', 'cpu_rt_period', 'memswap_limit',
  'mem_swappiness', 'oom_kill_disable', 'oom_score_adj', 'pids_limit', 'blkio_config', 'device_cgroup_rules',
  'gpus', 'runtime', 'isolation', 'storage_opt', 'volumes_from', 'mac_address', 'hostname', 'domainname',
  'platform', 'pull_policy', 'group_add', 'stdin_open', 'tty', 'post_start', 'pre_stop', 'credential_spec',
  'use_api_socket', 'models', 'provider',
]);

/** Keys that only matter to a developer running compose locally; dropping them changes nothing a deploy runs. */
export const LOCAL_DEV_KEYS: Record<string, string> = {
  develop: 'develop (compose watch) syncs files from a developer\'s checkout; deployed services run their image.',
  attach: 'attach only decides whether `docker compose up` streams the service\'s logs to a terminal.',
};

/** Service keys the importer maps to typed fields; anything neither here nor above (nor x-*) is reported as unknown. */
export const MAPPED_SERVICE_KEYS = new Set([
  'image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose', 'volumes', 'healthcheck',
  'deploy', 'cpus', 'mem_limit', 'mem_reservation', 'restart', 'labels', 'label_file', 'annotations', 'depends_on',
  'working_dir', 'user', 'stop_grace_period', 'secrets', 'configs', 'profiles', 'extends', 'networks', 'scale',
  'exclude_from_hc', 'container_name', 'cap_add', 'cap_drop', 'privileged', 'read_only', 'init', 'stop_signal',
  'shm_size', 'tmpfs', 'sysctls', 'extra_hosts',
]);
