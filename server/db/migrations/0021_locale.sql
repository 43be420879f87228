ALTER TABLE `users` ADD `locale` text;--> statement-breakpoint
ALTER TABLE `workspace` ADD `locale` text DEFAULT 'zh-CN' NOT NULL;