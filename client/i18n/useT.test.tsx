import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nProvider } from './I18nProvider';
import { useT } from './useT';
import { useFormat } from './useFormat';

function Probe() {
  const t = useT();
  const f = useFormat();
  return (
    <p>
      {t('layout.nav.journeys')} {f.yuan(1234.5)} {f.relative(Date.now() - 5 * 60_000)}
    </p>
  );
}

describe('useT and useFormat', () => {
  it('speak the IntlProvider’s locale', () => {
    expect(renderToStaticMarkup(<I18nProvider locale="zh-CN">{<Probe />}</I18nProvider>)).toBe('<p>旅程 ¥1,234.5 5分钟前</p>');
    expect(renderToStaticMarkup(<I18nProvider locale="en">{<Probe />}</I18nProvider>)).toBe('<p>Journeys ¥1,234.5 5 minutes ago</p>');
  });

  it('outside any provider (a component rendered alone, as a unit test does), speak English instead of throwing', () => {
    expect(renderToStaticMarkup(<Probe />)).toBe('<p>Journeys ¥1,234.5 5 minutes ago</p>');
  });
});
