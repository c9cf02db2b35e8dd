import { at } from './diagnostics.js';
import { fieldOf, type ServiceContext, type ServiceInput } from './context.js';
import { isRecord, toPairs } from './lists.js';

type BuildInput = NonNullable<ServiceInput['build']>;

/** What each build key Berth does not model does, so the report says what the build loses. */
const UNMODELLED: Record<string, string> = {
  ssh: 'SSH agent forwarding into the build',
  secrets: 'build secrets mounted during RUN steps',
  labels: 'labels on the built image',
  network: 'the network RUN steps use',
  shm_size: 'the /dev/shm size of RUN steps',
  extra_hosts: '/etc/hosts entries of RUN steps',
  platforms: 'the platforms built for',
  tags: 'extra tags of the built image',
  no_cache: 'building without the layer cache',
  pull: 'pulling newer base images',
  additional_contexts: 'named extra build contexts',
  isolation: 'the build isolation mode',
  privileged: 'privileged RUN steps',
  dockerfile_inline: 'a Dockerfile written inline',
  entitlements: 'build entitlements',
  ulimits: 'ulimits of RUN steps',
  cache_to: 'exporting the build cache',
};

const GIT_URL = /^(https?:\/\/|git@|ssh:\/\/|git:\/\/)/;

/**
 * compose `build` → Berth's build source. A Git URL (`repo#ref:subdir`) is a
 * repository build; anything else is a directory beside the compose file, built
 * from this computer's copy.
 */
export function importBuild(raw: unknown, service: ServiceInput, ctx: ServiceContext): void {
  const { sink, origin, name } = ctx;
  const spec = typeof raw === 'string' ? { context: raw } : isRecord(raw) ? raw : undefined;
  if (!spec) {
    sink.warn('IMPORT_BUILD_INVALID', `build in "${name}" must be a path or a mapping; it was not imported.`, at(origin, 'build'), fieldOf(ctx, 'build'));
    return;
  }
  const context = typeof spec.context === 'string' && spec.context !== '' ? spec.context : '.';
  const dockerfile = typeof spec.dockerfile === 'string' ? spec.dockerfile : 'Dockerfile';
  const git = GIT_URL.test(context) ? /^([^#]+)(?:#([^:]*)(?::(.*))?)?$/.exec(context) : null;
  const build: BuildInput = git ? { git: git[1]!, ref: git[2] || 'main', context: git[3] || '.', dockerfile } : { context, dockerfile };
  if (typeof spec.target === 'string' && spec.target !== '') build.target = spec.target;

  const args: Record<string, string> = {};
  for (const [key, value] of toPairs(spec.args)) {
    // `- VERSION` without a value takes it from compose's environment, which for Berth is the .env file.
    const resolved = value ?? ctx.dotenv[key];
    if (resolved !== undefined) args[key] = resolved;
    else sink.warn('IMPORT_BUILD_ARG_UNSET', `Build argument ${key} of "${name}" has no value (compose would take it from its environment); it was left out, so the Dockerfile's default applies. Give it a value in build.args.`, at(origin, 'build', 'args'), fieldOf(ctx, 'build.args'));
  }
  if (Object.keys(args).length > 0) build.args = args;

  const cacheFrom = Array.isArray(spec.cache_from) ? spec.cache_from.filter((c): c is string => typeof c === 'string' && c !== '') : [];
  if (cacheFrom.length > 0) build.cacheFrom = cacheFrom;
  service.build = build;

  if (service.image === undefined) {
    sink.warn('IMPORT_BUILD_ONLY', `"${name}" has no image, only a build. Docker servers build it on deploy, but Kubernetes needs an image in a registry: set image to where the build is pushed.`, at(origin, 'build'), fieldOf(ctx, 'image'));
  }
  for (const key of Object.keys(spec)) {
    if (['context', 'dockerfile', 'args', 'target', 'cache_from'].includes(key)) continue;
    const what = UNMODELLED[key] ?? 'a build option';
    sink.warn(`IMPORT_UNSUPPORTED_BUILD_${key.toUpperCase()}`, `build.${key} in "${name}" (${what}) is not carried over: Berth builds with context, dockerfile, target, args and cache_from. If the image needs it, build and push the image yourself and set image.`, at(origin, 'build', key), fieldOf(ctx, 'build'));
  }
}
