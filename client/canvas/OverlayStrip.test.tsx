import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nProvider } from '../i18n/I18nProvider';
import { OverlayStrip } from './NodeShell';
import type { NodeOverlay } from '../store/slices/overlaySlice';

const render = (overlay: NodeOverlay) =>
  renderToStaticMarkup(
    <I18nProvider locale="en">
      <OverlayStrip overlay={overlay} />
    </I18nProvider>,
  );

describe('numbers strip under a node', () => {
  it('shows entered, waiting and converted with its rate', () => {
    const html = render({ entered: 50, waiting: 2, converted: 5, conversionRate: 0.1 });
    expect(html).toMatch(/<dt>converted<\/dt>/);
    expect(html).toContain('10.0%');
  });
  it('an exit shows no "Converted 0"', () => {
    const html = render({ entered: 40, waiting: 0, converted: 0, conversionRate: null, noConversion: true });
    expect(html).toMatch(/<dt>entered<\/dt>/);
    expect(html).not.toMatch(/converted/i);
  });
});
