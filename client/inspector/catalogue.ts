import { createContext, useContext } from 'react';
import type { Channel, MessageCategory } from '../../shared/journey/channels';
import type { CompileRefs } from '../../shared/journey/kind';
import type { RuleSet } from '../../shared/segments/rules';

export interface TemplateOption {
  key: string;
  channel: Channel;
  name: string;
  /** transactional (marked by an admin) escapes the caps: the canvas marks the send nodes that use it */
  category: MessageCategory;
  variants: { key: string; name: string; weight: number }[];
}

export interface SegmentOption {
  key: string;
  name: string;
  description: string;
  rules: RuleSet;
}

/**
 * What the editor may reference: the templates and segments that exist, and
 * the event and trait names worth suggesting. The page loads it once; the
 * inspector's widgets and the live compiler read it.
 */
export interface Catalogue {
  templates: TemplateOption[];
  segments: SegmentOption[];
  events: string[];
  traits: string[];
}

/** Events of the lending funnel (DOMAIN.md) and of the engine's own replies, suggested in event fields. */
export const knownEvents = [
  'app_login',
  'credit_application_started',
  'credit_step_completed',
  'credit_step_abandoned',
  'credit_granted',
  'credit_rejected',
  'loan_drawn',
  'loan_repaid',
  'repayment_due',
  'message_clicked',
  'voice_pressed_1',
  'partner_offer_clicked',
  'unsubscribed',
];

export const knownTraits = ['name', 'phone', 'limit', 'daily_rate', 'product', 'os', 'channel', 'credit_status', 'journey_stage', 'partner_offer_status', 'registered_at', 'timezone'];

export const emptyCatalogue: Catalogue = { templates: [], segments: [], events: knownEvents, traits: knownTraits };

/** The catalogue as the compiler's references; unknown (not yet loaded) catalogues skip the checks. */
export function refsOf(c: Catalogue, loaded: boolean): CompileRefs {
  if (!loaded) return {};
  return { templates: new Map(c.templates.map((t) => [t.key, t.channel])), segments: new Set(c.segments.map((s) => s.key)) };
}

export const CatalogueContext = createContext<Catalogue>(emptyCatalogue);
export const useCatalogue = (): Catalogue => useContext(CatalogueContext);
