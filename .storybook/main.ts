import type { StorybookConfig } from '@storybook/react-vite';

/**
 * Storybook over the client's components. The app's vite.config.ts roots Vite
 * at client/ and builds into dist/client; Storybook keeps its own root and
 * output, so those two settings are dropped here and the rest (React) kept.
 */
const config: StorybookConfig = {
  framework: '@storybook/react-vite',
  stories: ['../client/**/*.stories.@(ts|tsx)'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(config) {
    const { root: _root, build: _build, server: _server, ...rest } = config;
    return rest;
  },
};

export default config;
