import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Trash2 } from 'lucide-react';
import { useTRPC, type RouterOutputs } from '../trpc';
import { errorText } from '../components/errorText';
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
  const edit = (t: TestContact) => {
    setEditing(t.id);
    setForm({ name: t.name, phone: t.phone ?? '', email: t.email ?? '' });
  };

  return (
    <>
      <p className="muted">“Send test” on a send node goes to one of these and nobody else. Phones are stored without spaces or dashes, as contacts’ are.</p>
      {list.isPending ? (
        <Loading what="test contacts" />
      ) : list.isError ? (
        <LoadError error={list.error} />
      ) : list.data.length === 0 ? (
        <p className="muted">No test contacts yet.</p>
      ) : (
        <table className="table" aria-label="Test contacts">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Phone</th>
              <th scope="col">Email</th>
              <th scope="col">Added by</th>
              <th scope="col" aria-label="Actions" />
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
                    Edit
                  </button>{' '}
                  <button type="button" className="iconbtn" aria-label={`Remove ${t.name}`} disabled={remove.isPending} onClick={() => remove.mutate({ id: t.id })}>
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
        aria-label={editing === null ? 'Add a test contact' : 'Edit the test contact'}
        onSubmit={(e) => {
          e.preventDefault();
          if (editing === null) add.mutate(form);
          else update.mutate({ id: editing, ...form });
        }}
      >
        <label className="field">
          <span>Name</span>
          <input value={form.name} maxLength={80} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label className="field">
          <span>Phone</span>
          <input value={form.phone} inputMode="tel" placeholder="+86 138 0000 0000" onChange={(e) => setForm({ ...form, phone: e.target.value })} />
        </label>
        <label className="field">
          <span>Email</span>
          <input value={form.email} inputMode="email" placeholder="name@example.com" onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </label>
        <button type="submit" className="btn btn--primary" disabled={add.isPending || update.isPending}>
          {editing === null ? 'Add test contact' : 'Save'}
        </button>
        {editing !== null && (
          <button type="button" className="btn" onClick={() => done()}>
            Cancel
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
