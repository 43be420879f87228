import type { Meta, StoryObj } from '@storybook/react-vite';
import { Palette } from './Palette';

const meta = { title: 'Editor/Palette', component: Palette, args: { onAdd: () => {} } } satisfies Meta<typeof Palette>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Every kind of the registry, grouped Entry / Wait / Logic / Messages / Actions. */
export const Default: Story = {};
/** An archived journey: nothing can be added. */
export const Disabled: Story = { args: { disabled: true } };
