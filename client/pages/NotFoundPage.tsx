import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <main className="page page--narrow">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to journeys</Link>
      </p>
    </main>
  );
}
