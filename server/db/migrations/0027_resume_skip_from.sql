-- A resume that skips what fell due puts a paused journey's timers back a slice at a time after it commits, each
-- restarting its wait from the resume's moment. A server stopped between two slices put the rest back at its next
-- start as they were (as 'continue' would): stale messages went at once. The moment is now kept until the last slice.
ALTER TABLE `journeys` ADD `resume_skip_from` integer;
