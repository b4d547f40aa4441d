// Worker tests run inside workerd with the real bindings from wrangler.toml and the real migrations.
import { workerProject } from './vitestProject.ts';

export default workerProject('worker', ['test/**/*.test.ts']);
