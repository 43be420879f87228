-- Phone numbers are stored in one spelling (shared/contacts/phone.ts): punctuation out, a leading + kept,
-- so an inbound SMS from a gateway finds the contact whose SDK sent "+86 138-0000-0001".
UPDATE `contacts` SET `phone` = replace(replace(replace(replace(replace(`phone`, ' ', ''), '-', ''), '(', ''), ')', ''), '.', '')
WHERE `phone` GLOB '*[ ().-]*'
  AND ltrim(replace(replace(replace(replace(replace(`phone`, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+') NOT GLOB '*[^0-9]*';
