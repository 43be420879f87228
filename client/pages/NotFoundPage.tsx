import { Link } from 'react-router';
import { useT } from '../i18n/useT';

export function NotFoundPage() {
  const t = useT();
  return (
    <main className="page page--narrow">
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link to="/">{t('notFound.back')}</Link>
      </p>
    </main>
  );
}
