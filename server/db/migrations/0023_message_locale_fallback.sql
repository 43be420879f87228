ALTER TABLE `messages` ADD `locale_fallback` text;
