-- The owner's process as the kernel knows it: its start, in clock ticks since boot (/proc/<pid>/stat). A pid the
-- system gave to a later process then never passes for the owner, whatever the wall clock did since (a clock
-- stepped forward after start-up made a live owner look like a later process when start times were compared in
-- wall-clock time). Null for an owner written by an earlier version, or where there is no /proc.
ALTER TABLE `engine_owner` ADD `process_start` integer;
