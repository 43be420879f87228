-- Phone numbers are stored in one spelling: punctuation out, a leading + kept, so an inbound SMS from a
-- gateway finds the contact whose SDK sent "+86 138-0000-0001". normalize_phone is shared/contacts/phone.ts,
-- registered on the connection by openDatabase: the stored numbers get exactly the rule new ones get.
UPDATE `contacts` SET `phone` = normalize_phone(`phone`) WHERE `phone` IS NOT NULL AND `phone` <> normalize_phone(`phone`);
