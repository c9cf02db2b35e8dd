import berth from '../../assets/schemas/berth-app.schema.json';
import compose from '../../assets/schemas/compose-spec.json';
import kubernetes from '../../assets/schemas/kubernetes.schema.json';

/** The JSON Schemas the editor validates berth.yaml, compose.yaml and kubernetes.yaml against. */
export const editorSchemas = () => ({ berth, compose, kubernetes });
