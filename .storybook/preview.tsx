import type { Decorator, Preview } from '@storybook/react-vite';
import '@xyflow/react/dist/style.css';
import '../client/styles.css';
import { I18nProvider } from '../client/i18n/I18nProvider';
import { locales, type Locale } from '../shared/i18n/locales';

/** Every story inside the app's IntlProvider, in the language the toolbar picks (default: Chinese, the product's first language). */
const withLocale: Decorator = (Story, context) => {
  const picked = context.globals['locale'] as string | undefined;
  const locale: Locale = (locales as readonly string[]).includes(picked ?? '') ? (picked as Locale) : 'zh-CN';
  return (
    <I18nProvider locale={locale} timeZone="Asia/Shanghai">
      <Story />
    </I18nProvider>
  );
};

const preview: Preview = {
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
  },
  globalTypes: {
    locale: {
      description: 'The UI language',
      toolbar: {
        title: 'Language',
        icon: 'globe',
        items: [
          { value: 'zh-CN', title: '中文 (zh-CN)' },
          { value: 'en', title: 'English (en)' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { locale: 'zh-CN' },
  decorators: [withLocale],
};

export default preview;
