import { z } from 'zod';
import { procedure, router } from '../init';
import type { AuditMeta } from '../auditing';

/** A test contact as the audit log shows it before and after a change. */
const testContactAudit: AuditMeta = {
  objectType: 'test_contact',
  objectId: (input, result) => {
    const id = (input as { id?: unknown } | undefined)?.id ?? (result as { id?: unknown } | undefined)?.id;
    return typeof id === 'number' ? String(id) : null;
  },
  snapshot: (s, id) => {
    const c = s.testing.contacts.get(Number(id));
    return { name: c.name, phone: c.phone, email: c.email };
  },
};

/** A test send awaits its provider: logged after it answered, naming who sent what to which test contact. */
const testSendAudit: AuditMeta = {
  objectType: 'test_send',
  outside: true,
  objectId: (_input, result) => {
    const id = (result as { id?: unknown } | undefined)?.id;
    return typeof id === 'number' ? String(id) : null;
  },
};

// forms send "" for an empty field; the service reads "", null and absent alike
const TestContactFields = z.object({ name: z.string().max(200), phone: z.string().max(200).nullish(), email: z.string().max(400).nullish() });
const byId = z.object({ id: z.number().int().positive() });

/**
 * Trying a journey on one person before it goes live. Test contacts are the
 * team's phones and inboxes: operators (who send tests) and admins keep the
 * list. A test send and a trace are operators', like editing the journey.
 */
export const testingRouter = router({
  contacts: procedure('operator').query(({ ctx }) => ctx.services.testing.contacts.list()),
  addContact: procedure('operator', testContactAudit)
    .input(TestContactFields)
    .mutation(({ ctx, input }) => ctx.services.testing.contacts.add(input, ctx.actor)),
  updateContact: procedure('operator', testContactAudit)
    .input(TestContactFields.extend(byId.shape))
    .mutation(({ ctx, input: { id, ...fields } }) => ctx.services.testing.contacts.update(id, fields)),
  removeContact: procedure('operator', testContactAudit)
    .input(byId)
    .mutation(({ ctx, input }) => ctx.services.testing.contacts.remove(input.id)),

  /** Render a send node's variant with a real contact's traits and send it to one test contact, through the channel's provider. */
  send: procedure('operator', testSendAudit)
    .input(
      z.object({
        journeyId: z.string().min(1),
        nodeId: z.string().min(1),
        variant: z.string().min(1).max(64).optional(),
        externalId: z.string().min(1, 'choose the contact whose traits fill the message'),
        to: z.union([z.object({ testContactId: z.number().int().positive() }), z.object({ address: z.string().min(1).max(400) })]),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.testing.sends.send(input, ctx.actor)),
  /** Test sends, newest first (the outbox lists them apart from real messages). */
  sends: procedure('analyst')
    .input(z.object({ journeyId: z.string().optional(), limit: z.number().int().min(1).max(500).optional() }).default({}))
    .query(({ ctx, input }) => ctx.services.testing.sends.list(input)),

  /** Where the draft would take one contact entering at `from`, step by step and why; writes nothing. */
  trace: procedure('operator')
    .input(z.object({ journeyId: z.string().min(1), externalId: z.string().min(1, 'choose a contact to trace'), from: z.number().int().min(0) }))
    .query(({ ctx, input }) => ctx.services.testing.trace(input)),
});
