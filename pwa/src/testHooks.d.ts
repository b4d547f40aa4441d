// Set by the build (pwa/vite.config.ts): true only in test builds (MESHDROP_TEST_BUILD=1, which the e2e
// harness uses), so the hooks the browser journeys reach through `window` never ship to users.
declare const __MESHDROP_TEST_HOOKS__: boolean;
