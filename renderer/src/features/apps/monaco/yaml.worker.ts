// A local entry for monaco-yaml's worker so Vite bundles it as its own worker (monaco-yaml README, "Why doesn't it work with Vite?").
import 'monaco-yaml/yaml.worker.js';
