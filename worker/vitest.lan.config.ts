// The relay's tests again as a LAN tracker runs it (`npm start`): one hub for every device, sockets that
// stay awake instead of hibernating. The deployed layout (one object per device) is vitest.config.ts.
import { workerProject } from './vitestProject.ts';

export default workerProject(
  'worker-lan',
  [
    'test/signaling.test.ts',
    'test/hostile-signaling.test.ts',
    'test/membership-signaling.test.ts',
    'test/lobby-access.test.ts',
  ],
  { TRACKER_MODE: 'lan' },
);
