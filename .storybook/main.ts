import type { StorybookConfig } from '@storybook/react-vite';

/**
 * Storybook over the client's components. The app's vite.config.ts roots Vite
 * at client/, builds into dist/client and proxies the API; Storybook keeps its
 * own root, output and dev server. The build section is Storybook's own again
 * (with the app's outDir and emptyOutDir Vite would wipe the manager UI
 * Storybook has already written into the output folder).
 */
const config: StorybookConfig = {
  framework: '@storybook/react-vite',
  stories: ['../client/**/*.stories.@(ts|tsx)'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(config) {
    const { root: _root, server: _server, ...rest } = config;
    return { ...rest, build: { ...rest.build, outDir: undefined, emptyOutDir: false } };
  },
};

export default config;
