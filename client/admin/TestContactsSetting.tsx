import { useT } from '../i18n/useT';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { useErrorText } from '../i18n/serverText';
import { LoadError, Loading } from '../components/QueryState';
import '../trace/trace.css';

type TestContact = RouterOutputs['testing']['contacts'][number];
const empty = { name: '', phone: '', email: '' };

/**
 * Settings → Test contacts: the team's own phones and inboxes, the only
 * addresses a "Send test" may reach. Operators and admins keep the list;
 * phones are stored in the contacts' spelling (punctuation dropped).
 */
export function TestContactsSetting() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.testing.contacts.queryOptions());
  const [form, setForm] = useState(empty);
  const [editing, setEditing] = useState<number | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.testing.contacts.queryKey() });
  const done = () => {
    setForm(empty);
    setEditing(null);
    refresh();
  };
  const add = useMutation(trpc.testing.addContact.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.testing.updateContact.mutationOptions({ onSuccess: done }));
  const remove = useMutation(trpc.testing.removeContact.mutationOptions({ onSuccess: refresh }));
  const error = add.error ?? update.error ?? remove.error;
  const edit = (c: TestContact) => {
    setEditing(c.id);
    setForm({ name: c.name, phone: c.phone ?? '', email: c.email ?? '' });
  };
  const t = useT();
  const errorText = useErrorText();
  // the rows below name their contact `t`: their words are made here
  const editLabel = t('testContacts.edit');
  const removeLabel = (name: string) => t('testContacts.remove', { name });

  return (
    <>
      <p className="muted">{t('testContacts.lede')}</p>
      {list.isPending ? (
        <Loading what={t('testContacts.loading')} />
      ) : list.isError ? (
        <LoadError error={list.error} />
      ) : list.data.length === 0 ? (
        <p className="muted">{t('testContacts.none')}</p>
      ) : (
        <table className="table" aria-label={t('testContacts.title')}>
          <thead>
            <tr>
              <th scope="col">{t('journeys.col.name')}</th>
              <th scope="col">{t('contact.phone')}</th>
              <th scope="col">{t('channel.email')}</th>
              <th scope="col">{t('testContacts.addedBy')}</th>
              <th scope="col" aria-label={t('deadLetters.col.actions')} />
            </tr>
          </thead>
          <tbody>
            {list.data.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{t.phone ?? <span className="muted">—</span>}</td>
                <td>{t.email ?? <span className="muted">—</span>}</td>
                <td className="muted">{t.createdBy}</td>
                <td className="nowrap">
                  <button type="button" className="btn btn--small" onClick={() => edit(t)}>
                    {editLabel}
                  </button>{' '}
                  <button type="button" className="iconbtn" aria-label={removeLabel(t.name)} disabled={remove.isPending} onClick={() => remove.mutate({ id: t.id })}>
                    <Trash2 size={14} aria-hidden />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="testcontacts__form"
        aria-label={editing === null ? t('testContacts.addForm') : t('testContacts.editForm')}
        onSubmit={(e) => {
          e.preventDefault();
          if (editing === null) add.mutate(form);
          else update.mutate({ id: editing, ...form });
        }}
      >
        <label className="field">
          <span>{t('journeys.col.name')}</span>
          <input value={form.name} maxLength={80} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('contact.phone')}</span>
          <input value={form.phone} inputMode="tel" placeholder="+86 138 0000 0000" onChange={(e) => setForm({ ...form, phone: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('channel.email')}</span>
          <input value={form.email} inputMode="email" placeholder="name@example.com" onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </label>
        <button type="submit" className="btn btn--primary" disabled={add.isPending || update.isPending}>
          {editing === null ? t('testContacts.add') : t('common.save')}
        </button>
        {editing !== null && (
          <button type="button" className="btn" onClick={() => done()}>
            {t('common.cancel')}
          </button>
        )}
      </form>
      {error && (
        <p className="form-error" role="alert">
          {errorText(error)}
        </p>
      )}
    </>
  );
}
