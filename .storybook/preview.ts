import type { Preview } from '@storybook/react-vite';
import '@xyflow/react/dist/style.css';
import '../client/styles.css';

const preview: Preview = {
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
  },
};

export default preview;
