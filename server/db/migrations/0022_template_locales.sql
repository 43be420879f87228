ALTER TABLE `messages` ADD `locale` text;--> statement-breakpoint
-- Templates that came in language twins (`recall_sms` and `recall_sms_en`) become one template with copy per
-- language: the Chinese template gets a new version whose variants carry the twin's copy under locales.en, and
-- the twin goes, unless a journey still names it (then it stays, and nothing that sends it breaks).
CREATE TEMP TABLE `_twins` AS
  SELECT zh.key AS zh, en.key AS en, zv.id AS zh_version, ev.id AS en_version
  FROM templates zh
  JOIN templates en ON en.key = zh.key || '_en' AND en.channel = zh.channel
  JOIN template_versions zv ON zv.template_key = zh.key AND zv.version = zh.current_version
  JOIN template_versions ev ON ev.template_key = en.key AND ev.version = en.current_version
  WHERE ev.locale = 'en' AND zv.locale <> 'en'
    AND json_array_length(zv.variants) = json_array_length(ev.variants)
    AND NOT EXISTS (
      SELECT 1 FROM json_each(zv.variants) zvar
      WHERE NOT EXISTS (SELECT 1 FROM json_each(ev.variants) evar WHERE json_extract(evar.value, '$.key') = json_extract(zvar.value, '$.key'))
    );--> statement-breakpoint
INSERT INTO template_versions (template_key, version, name, description, category, locale, variables, variants, note, created_at, created_by)
  SELECT zv.template_key, zv.version + 1, zv.name, zv.description, zv.category, zv.locale,
    (SELECT json_group_array(value ORDER BY value) FROM (SELECT value FROM json_each(zv.variables) UNION SELECT value FROM json_each(ev.variables))),
    (SELECT json_group_array(json_set(zvar.value, '$.locales', json_object('en', json_extract(evar.value, '$.parts'))) ORDER BY zvar.key)
       FROM json_each(zv.variants) zvar JOIN json_each(ev.variants) evar ON json_extract(evar.value, '$.key') = json_extract(zvar.value, '$.key')),
    'merged the English copy of ' || t.en, cast(unixepoch('subsec') * 1000 AS integer), 'migration'
  FROM _twins t JOIN template_versions zv ON zv.id = t.zh_version JOIN template_versions ev ON ev.id = t.en_version;--> statement-breakpoint
UPDATE templates SET current_version = current_version + 1, updated_at = cast(unixepoch('subsec') * 1000 AS integer), updated_by = 'migration'
  WHERE key IN (SELECT zh FROM _twins);--> statement-breakpoint
DELETE FROM _twins WHERE EXISTS (SELECT 1 FROM journeys WHERE instr(draft, '"' || _twins.en || '"') > 0)
  OR EXISTS (SELECT 1 FROM journey_versions WHERE instr(graph, '"' || _twins.en || '"') > 0);--> statement-breakpoint
DELETE FROM template_versions WHERE template_key IN (SELECT en FROM _twins);--> statement-breakpoint
DELETE FROM templates WHERE key IN (SELECT en FROM _twins);--> statement-breakpoint
DROP TABLE `_twins`;
